namespace RaftRunner.StateMachines.Sqlite.Tests;

public sealed class SqlScannerTests
{
    [Fact]
    public void Positional_parameters_are_renamed_with_the_numbers_sqlite_gives_them()
    {
        var scan = SqlScanner.Scan("SELECT ?, ?5, ?, :a, :a, ?, ?0, ?99999; SELECT ?, '?', \"?\", [?] -- ?\n/* ? */");

        Assert.Equal("SELECT :p1, :p5, :p6, :a, :a, :p8, ?0, ?99999; SELECT :p1, '?', \"?\", [?] -- ?\n/* ? */", scan.Sql);
        Assert.Equal(8, scan.MaxIndex);
        Assert.Equal([":a"], scan.Names);
        Assert.Equal(2, scan.Statements);
    }

    [Theory]
    [InlineData("SELECT 1;;  ; -- nothing more", 1)]
    [InlineData(" ; /* nothing */ ", 0)]
    [InlineData("INSERT INTO t VALUES (';'); SELECT 2", 2)]
    public void Statements_are_counted_between_semicolons_outside_literals(string sql, int statements) =>
        Assert.Equal(statements, SqlScanner.Scan(sql).Statements);

    [Theory]
    [InlineData("CREATE TABLE random (x)")]
    [InlineData("CREATE TABLE IF NOT EXISTS date (x)")]
    [InlineData("WITH random(x) AS (SELECT 1) SELECT * FROM random")]
    [InlineData("INSERT INTO time (x) VALUES (1)")]
    [InlineData("SELECT 'random()', \"current_timestamp\", x'00' -- random()\n/* date() */")]
    [InlineData("SELECT date('2024-01-01', '+1 month'), strftime('%Y', 0), julianday(x) FROM t")]
    [InlineData("SELECT 'now'")]
    [InlineData("SELECT random_thing(), my_date()")]
    public void Deterministic_text_passes(string sql) => Assert.Null(SqlScanner.Scan(sql).NonDeterminism);

    [Theory]
    [InlineData("SELECT [random](1)", "random()")]
    [InlineData("SELECT `RandomBlob` (4)", "randomblob()")]
    [InlineData("SELECT current_time", "CURRENT_TIME")]
    [InlineData("SELECT unixepoch ( /* empty */ )", "unixepoch() without a time value")]
    [InlineData("SELECT strftime('%s')", "strftime() without a time value")]
    [InlineData("SELECT date(x, 'UTC') FROM t", "'UTC' depends on the node's time zone")]
    [InlineData("SELECT datetime(x), 'now' FROM t", "'now' reads the clock")]
    public void Clock_and_randomness_are_found(string sql, string reason) =>
        Assert.Contains(reason, SqlScanner.Scan(sql).NonDeterminism, StringComparison.Ordinal);

    [Fact]
    public void Unterminated_literals_and_comments_do_not_throw()
    {
        foreach (var sql in (string[])["SELECT 'abc", "SELECT \"abc", "SELECT [abc", "SELECT /* abc", "SELECT random(", "SELECT ?", "SELECT :", "'"])
            Assert.NotNull(SqlScanner.Scan(sql).Sql);
    }
}
