namespace Worcr.Scripting.Internal.Js;

/// <summary>A problem found in a rule's source before Jurassic sees it; the compiler turns it into a RuleCompileException.</summary>
internal sealed class JsSyntaxError(string message, int line) : Exception(message)
{
    public int Line { get; } = line;
}
