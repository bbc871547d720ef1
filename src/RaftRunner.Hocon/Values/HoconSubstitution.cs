namespace RaftRunner.Hocon.Values;

/// <summary>
/// <c>${path}</c> or <c>${?path}</c>. A substitution written in an included file is rewritten to be
/// relative to where the file was included; <see cref="FallbackPath"/> keeps the path as written so
/// that the included file can still reach keys of the including document's root (HOCON spec,
/// "Include semantics: substitution").
/// </summary>
internal sealed class HoconSubstitution : HoconValue
{
    public HoconSubstitution(HoconPath path, HoconPath? fallbackPath, bool optional, SourcePosition position)
        : base(position)
    {
        Path = path;
        FallbackPath = fallbackPath;
        Optional = optional;
    }

    public HoconPath Path { get; }

    public HoconPath? FallbackPath { get; }

    public bool Optional { get; }

    /// <summary>The environment variable consulted when no setting has the path: the name as written.</summary>
    public string EnvironmentName => (FallbackPath ?? Path).JoinedPlain;

    public override bool NeedsResolution => true;

    public override string Describe() => "substitution " + ToString();

    public override string ToString() => (Optional ? "${?" : "${") + (FallbackPath ?? Path) + "}";
}
