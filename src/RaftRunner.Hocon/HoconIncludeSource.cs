namespace RaftRunner.Hocon;

/// <summary>
/// The text an include directive resolved to. <see cref="FileName"/> is what error messages show and
/// what nested relative includes are resolved against, so a resolver should return a usable path.
/// </summary>
public sealed record HoconIncludeSource(string FileName, string Text);
