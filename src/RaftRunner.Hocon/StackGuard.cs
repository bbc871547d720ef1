using System.Runtime.CompilerServices;

namespace RaftRunner.Hocon;

/// <summary>
/// The recursive walks over a configuration tree are depth-bounded by the parser, but substitutions can
/// graft one deep subtree under another. Checking the real stack turns a would-be crash (a
/// StackOverflowException cannot be caught) into an ordinary configuration error.
/// </summary>
internal static class StackGuard
{
    public static void Ensure(SourcePosition position)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new ConfigurationException("configuration is nested too deeply to process", position);
        }
    }
}
