using System.Text;
using RaftRunner.Hocon.Values;

namespace RaftRunner.Hocon.Parsing;

/// <summary>
/// The include directive: <c>include "f"</c>, <c>include file("f")</c>, <c>include required("f")</c>.
/// An included document is parsed with its root at the including object's path and then merged into
/// that object field by field, exactly as if its text stood where the directive is.
/// </summary>
internal sealed partial class HoconParser
{
    private bool TryParseInclude(HoconObject target, HoconPath? path, int depth)
    {
        var keyword = Peek();
        if (keyword.Kind != HoconTokenKind.Unquoted || keyword.Text != "include"
            || PeekAt(1).Kind != HoconTokenKind.Whitespace
            || PeekAt(2).Kind is not (HoconTokenKind.Quoted or HoconTokenKind.Unquoted))
        {
            return false;
        }

        Advance();
        var opening = new StringBuilder();
        var closing = new StringBuilder();
        HoconToken? name = null;
        while (Peek().Kind is HoconTokenKind.Unquoted or HoconTokenKind.Quoted or HoconTokenKind.Whitespace)
        {
            var piece = Advance();
            if (piece.Kind == HoconTokenKind.Quoted)
            {
                if (name is not null)
                {
                    throw new ConfigurationException("an include takes exactly one quoted file name", piece.Position);
                }

                name = piece;
            }
            else if (piece.Kind == HoconTokenKind.Unquoted)
            {
                (name is null ? opening : closing).Append(piece.Text);
            }
        }

        if (name is null)
        {
            throw new ConfigurationException(
                "include must be followed by a quoted name: include \"file.conf\" or include required(\"file.conf\")", keyword.Position);
        }

        var (required, expectedClosing) = opening.ToString() switch
        {
            "" => (false, ""),
            "file(" => (false, ")"),
            "required(" => (true, ")"),
            "required(file(" => (true, "))"),
            "url(" or "classpath(" or "required(url(" or "required(classpath(" =>
                throw new ConfigurationException("include url(...) and classpath(...) are not supported; use file(...)", keyword.Position),
            var other => throw new ConfigurationException($"unknown include form '{other}'; expected file(...) or required(...)", keyword.Position),
        };
        if (closing.ToString() != expectedClosing)
        {
            throw new ConfigurationException(
                expectedClosing.Length == 0
                    ? $"unexpected '{closing}' after the include name"
                    : $"malformed include: expected '{expectedClosing}' after the name",
                name.Position);
        }

        Include(target, path, depth, name.Text, required, keyword.Position);
        return true;
    }

    private void Include(HoconObject target, HoconPath? path, int depth, string name, bool required, SourcePosition position)
    {
        HoconIncludeSource? source;
        try
        {
            source = _session.Options.IncludeResolver(name, _fileName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"cannot read include '{name}': {e.Message}", position, null, e);
        }

        if (source is null)
        {
            if (required)
            {
                throw new ConfigurationException($"required include '{name}' was not found", position);
            }

            return;
        }

        _session.EnterFile(source.FileName, position);
        try
        {
            var included = Parse(source.Text, source.FileName, _session, path, depth);
            foreach (var field in included.Fields.ToList())
            {
                HoconMerging.Assign(target, field.Key, field.Value);
            }
        }
        finally
        {
            _session.LeaveFile();
        }
    }
}
