using Worcr.Postgres;
using Worcr.Server.Rules;

namespace Worcr.Admin;

/// <summary>
/// The rules of the book a node dispatches with, each with its code: file rules from the files read at
/// start-up, database rules from the store (a rule saved a moment ago on another node shows up once this
/// node has reloaded).
/// </summary>
internal static class RuleListing
{
    public static async Task<RuleListView> ListAsync(RuleCatalog catalog, CancellationToken cancellationToken)
    {
        var book = catalog.Current;
        var stored = (await catalog.Store.ListAsync(cancellationToken)).ToDictionary(rule => rule.Name, StringComparer.Ordinal);
        var files = catalog.Files.ToDictionary(file => file.Name, file => file.Code, StringComparer.Ordinal);
        var rules = book.Entries.Select(entry => View(entry, CodeOf(entry, files, stored))).ToList();
        return new RuleListView(book.Version, rules);
    }

    public static RuleView View(StoredRule rule) =>
        new(rule.Name, rule.Kind, rule.Language, rule.Code, rule.Order, rule.Enabled, "database", rule.Version, null);

    private static RuleView View(RuleEntry entry, string code) =>
        new(entry.Name, entry.Kind, entry.Language, code, entry.Order, entry.Enabled, entry.Origin, entry.Version, entry.Error);

    private static string CodeOf(RuleEntry entry, Dictionary<string, string> files, Dictionary<string, StoredRule> stored) =>
        entry.Origin == "file"
            ? files.GetValueOrDefault(entry.Name, "")
            : stored.TryGetValue(entry.Name, out var rule) ? rule.Code : "";
}
