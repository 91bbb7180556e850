namespace Worcr.Admin;

/// <summary>A rule whose fields are complete and known, in the words it is stored with ("weight", "lua", "tag_match").</summary>
internal sealed record CheckedRule(string Name, string Kind, string Language, string Code, int Order, bool Enabled);
