namespace Worcr.Scripting;

/// <summary>The language a rule's code is written in.</summary>
public enum RuleLanguage
{
    Lua,
    JavaScript,
}
