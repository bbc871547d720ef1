namespace RaftRunner.Hocon.Values;

/// <summary>
/// A string, number, boolean or null. Numbers keep the text they were written with, so that
/// <c>GetString</c> returns <c>"007"</c> or <c>"1.50"</c> unchanged and integer range checks happen
/// only when a caller asks for a specific numeric type.
/// </summary>
internal sealed class HoconScalar : HoconValue
{
    private const int DescribedTextLimit = 60;

    public HoconScalar(HoconScalarKind kind, string text, SourcePosition position)
        : base(position)
    {
        Kind = kind;
        Text = text;
    }

    public HoconScalarKind Kind { get; }

    public string Text { get; }

    public override bool NeedsResolution => false;

    public static HoconScalar String(string text, SourcePosition position) => new(HoconScalarKind.String, text, position);

    public override string Describe()
    {
        switch (Kind)
        {
            case HoconScalarKind.Null:
                return "null";
            case HoconScalarKind.Number:
                return "number " + Text;
            case HoconScalarKind.Boolean:
                return "boolean " + Text;
            default:
                var shown = Text.Length > DescribedTextLimit ? Text[..DescribedTextLimit] + "..." : Text;
                return "string " + HoconRenderer.Quote(shown);
        }
    }
}
