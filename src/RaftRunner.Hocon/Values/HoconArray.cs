namespace RaftRunner.Hocon.Values;

/// <summary>A list of values (HOCON calls it an array).</summary>
internal sealed class HoconArray : HoconValue
{
    private readonly List<HoconValue> _elements;

    public HoconArray(SourcePosition position, IEnumerable<HoconValue>? elements = null)
        : base(position)
    {
        _elements = elements is null ? [] : [.. elements];
    }

    public IReadOnlyList<HoconValue> Elements => _elements;

    public override bool NeedsResolution
    {
        get
        {
            foreach (var element in _elements)
            {
                if (element.NeedsResolution)
                {
                    return true;
                }
            }

            return false;
        }
    }

    public void Add(HoconValue value) => _elements.Add(value);

    public void ReplaceAt(int index, HoconValue value) => _elements[index] = value;

    public void RemoveAt(int index) => _elements.RemoveAt(index);

    public override string Describe() => "a list";
}
