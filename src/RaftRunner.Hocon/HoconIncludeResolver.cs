namespace RaftRunner.Hocon;

/// <summary>
/// Finds the text of an <c>include</c>. Returns null when the include does not exist: the parser then
/// ignores a plain include (as the HOCON spec requires) and reports a <c>required(...)</c> one.
/// </summary>
/// <param name="name">The quoted name written after <c>include</c>.</param>
/// <param name="includingFileName">The file holding the directive; null when parsing a string.</param>
public delegate HoconIncludeSource? HoconIncludeResolver(string name, string? includingFileName);
