namespace Worcr.Scripting.Internal.Js;

internal enum JsTokenKind
{
    Word,
    Number,
    String,
    TemplateText,
    Regex,
    Punctuator,
}

/// <summary>One token of a rule's source; <see cref="Start"/> is its offset so the rewriter can insert text after it.</summary>
internal readonly record struct JsToken(JsTokenKind Kind, string Text, int Start, int Line)
{
    public bool Is(string punctuatorOrWord) =>
        Kind is JsTokenKind.Punctuator or JsTokenKind.Word && Text == punctuatorOrWord;

    public int End => Start + Text.Length;
}
