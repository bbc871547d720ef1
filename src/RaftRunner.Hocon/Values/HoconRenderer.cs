using System.Globalization;
using System.Text;

namespace RaftRunner.Hocon.Values;

/// <summary>
/// Writes a tree back as HOCON that parses to the same tree: for <c>config show</c> and for messages.
/// Strings are always quoted so the output never depends on the unquoted-string rules.
/// </summary>
internal static class HoconRenderer
{
    private const string IndentUnit = "  ";

    public static string Render(HoconObject root)
    {
        if (root.Count == 0)
        {
            return "{}";
        }

        var output = new StringBuilder();
        WriteFields(output, root, 0);
        return output.ToString();
    }

    public static string Quote(string text)
    {
        var output = new StringBuilder(text.Length + 2);
        output.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': output.Append("\\\""); break;
                case '\\': output.Append("\\\\"); break;
                case '\n': output.Append("\\n"); break;
                case '\r': output.Append("\\r"); break;
                case '\t': output.Append("\\t"); break;
                case '\b': output.Append("\\b"); break;
                case '\f': output.Append("\\f"); break;
                default:
                    if (char.IsControl(c))
                    {
                        output.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        output.Append(c);
                    }

                    break;
            }
        }

        return output.Append('"').ToString();
    }

    private static void WriteFields(StringBuilder output, HoconObject obj, int depth)
    {
        foreach (var field in obj.Fields)
        {
            // Re-emitting every layer as its own assignment reproduces the merge when parsed again.
            var layers = field.Value is HoconDelayedMerge merge ? merge.Layers : [field.Value];
            foreach (var layer in layers)
            {
                Indent(output, depth);
                output.Append(RenderKey(field.Key));
                output.Append(layer is HoconObject ? " " : " = ");
                WriteValue(output, layer, depth);
                output.Append('\n');
            }
        }
    }

    private static void WriteValue(StringBuilder output, HoconValue value, int depth)
    {
        StackGuard.Ensure(value.Position);
        switch (value)
        {
            case HoconScalar scalar:
                output.Append(scalar.Kind == HoconScalarKind.String ? Quote(scalar.Text) : scalar.Text);
                break;
            case HoconObject obj when obj.Count == 0:
                output.Append("{}");
                break;
            case HoconObject obj:
                output.Append("{\n");
                WriteFields(output, obj, depth + 1);
                Indent(output, depth);
                output.Append('}');
                break;
            case HoconArray array:
                WriteList(output, array, depth);
                break;
            case HoconConcatenation concatenation:
                foreach (var piece in concatenation.Pieces)
                {
                    WriteValue(output, piece, depth);
                }

                break;
            case HoconDelayedMerge merge:
                // Only reachable inside a list, where layers cannot be re-assigned: show what wins.
                WriteValue(output, merge.Layers[^1], depth);
                break;
            default:
                output.Append(value);
                break;
        }
    }

    private static void WriteList(StringBuilder output, HoconArray array, int depth)
    {
        if (array.Elements.Count == 0)
        {
            output.Append("[]");
            return;
        }

        if (array.Elements.All(e => e is HoconScalar or HoconSubstitution))
        {
            output.Append('[');
            for (var i = 0; i < array.Elements.Count; i++)
            {
                if (i > 0)
                {
                    output.Append(", ");
                }

                WriteValue(output, array.Elements[i], depth);
            }

            output.Append(']');
            return;
        }

        output.Append("[\n");
        for (var i = 0; i < array.Elements.Count; i++)
        {
            Indent(output, depth + 1);
            WriteValue(output, array.Elements[i], depth + 1);
            output.Append(i < array.Elements.Count - 1 ? ",\n" : "\n");
        }

        Indent(output, depth);
        output.Append(']');
    }

    // "include" as a bare key would be read back as an include directive.
    private static string RenderKey(string key) =>
        HoconPath.IsBareKey(key) && key != "include" ? key : Quote(key);

    private static void Indent(StringBuilder output, int depth)
    {
        for (var i = 0; i < depth; i++)
        {
            output.Append(IndentUnit);
        }
    }
}
