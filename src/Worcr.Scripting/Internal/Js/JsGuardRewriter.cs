using System.Text;

namespace Worcr.Scripting.Internal.Js;

/// <summary>
/// Inserts a guard call at the start of every function body and loop body, so no loop and no recursion
/// can run without passing through the host's time/allocation check. Insertions stay on the same line,
/// so Jurassic's line numbers still match the rule file. Loop bodies must be braced blocks (a
/// brace-less body has no place to put the guard), which is also the style the docs ask for.
/// </summary>
internal sealed class JsGuardRewriter
{
    public const string GuardFunction = "__worcr_guard";
    private const string GuardCall = GuardFunction + "();";

    private readonly IReadOnlyList<JsToken> _tokens;
    private readonly Stack<string> _parenOwners = new();
    private readonly Stack<bool> _braceIsDoBody = new();
    private readonly List<int> _insertAt = [];
    private int _classBodyDepth = -1;
    private bool _nextWhileEndsDoLoop;
    private string _lastClosedOwner = string.Empty;

    private JsGuardRewriter(IReadOnlyList<JsToken> tokens) => _tokens = tokens;

    public static string Rewrite(string source, IReadOnlyList<JsToken> tokens)
    {
        var rewriter = new JsGuardRewriter(tokens);
        for (var i = 0; i < tokens.Count; i++)
        {
            rewriter.Visit(i);
        }

        return rewriter.Apply(source);
    }

    private void Visit(int index)
    {
        var token = _tokens[index];
        if (token.Kind is not (JsTokenKind.Punctuator or JsTokenKind.Word))
        {
            return;
        }

        switch (token.Text)
        {
            case "(":
                _parenOwners.Push(OwnerOfParen(index));
                break;
            case ")":
                CloseParen(index);
                break;
            case "{":
                OpenBrace(index);
                break;
            case "}":
                CloseBrace(index);
                break;
            case "do":
                RequireBracedBody(index, "do");
                break;
            case "class":
                _classBodyDepth = _parenOwners.Count;
                break;
        }
    }

    private string OwnerOfParen(int index)
    {
        var previous = index > 0 ? _tokens[index - 1] : default;
        if (previous.Is("while") && _nextWhileEndsDoLoop)
        {
            _nextWhileEndsDoLoop = false;
            return "do-while";
        }

        return previous.Kind == JsTokenKind.Word ? previous.Text : string.Empty;
    }

    private void CloseParen(int index)
    {
        var owner = _parenOwners.Count > 0 ? _parenOwners.Pop() : string.Empty;
        _lastClosedOwner = owner;
        if (owner is "while" or "for")
        {
            RequireBracedBody(index, owner);
        }
    }

    private void OpenBrace(int index)
    {
        var previous = index > 0 ? _tokens[index - 1] : default;
        var isClassBody = _classBodyDepth == _parenOwners.Count;
        if (isClassBody)
        {
            _classBodyDepth = -1;
        }

        // A '{' right after ')' opens a function, method, loop, if or catch body: guarding the last two is
        // harmless. A switch body may only hold case clauses, so it gets none.
        var afterParen = previous.Is(")") && _lastClosedOwner != "switch";
        if (!isClassBody && (afterParen || previous.Is("do")))
        {
            _insertAt.Add(_tokens[index].End);
        }

        _braceIsDoBody.Push(previous.Is("do"));
    }

    private void CloseBrace(int index)
    {
        if (_braceIsDoBody.Count > 0 && _braceIsDoBody.Pop())
        {
            _nextWhileEndsDoLoop = index + 1 < _tokens.Count && _tokens[index + 1].Is("while");
        }
    }

    private void RequireBracedBody(int headerEnd, string loop)
    {
        var next = headerEnd + 1 < _tokens.Count ? _tokens[headerEnd + 1] : default;
        if (!next.Is("{"))
        {
            throw new JsSyntaxError($"the body of a '{loop}' loop must be a block in braces {{ ... }}", _tokens[headerEnd].Line);
        }
    }

    private string Apply(string source)
    {
        var result = new StringBuilder(source.Length + (_insertAt.Count * GuardCall.Length));
        var copied = 0;
        foreach (var position in _insertAt)
        {
            result.Append(source, copied, position - copied).Append(GuardCall);
            copied = position;
        }

        return result.Append(source, copied, source.Length - copied).ToString();
    }
}
