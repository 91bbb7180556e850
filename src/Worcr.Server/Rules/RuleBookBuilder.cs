using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Worcr.Postgres;
using Worcr.Scripting;

namespace Worcr.Server.Rules;

/// <summary>
/// Compiles rules from files and from the database into a <see cref="RuleBook"/>. A database rule with the
/// same name as a file rule replaces it (operators override shipped defaults from the GUI). A rule that does
/// not compile is left out and listed with its error; the others still go live. Each weight script is put behind a
/// <see cref="WeightRuleBreaker"/> of its own. A script the previous book also ran, unchanged (same name, kind,
/// language and code), keeps that book's breaker state: saving one rule must not close the breaker of another that
/// still exhausts its budget, nor cost dispatch its five budgets again. A new or changed script starts closed.
/// </summary>
internal static class RuleBookBuilder
{
    /// <param name="time">The clock of the weight rules' breakers (the system clock when null).</param>
    /// <param name="breakerTripped">Told once each time a weight rule's breaker opens.</param>
    /// <param name="previous">
    /// The book this one replaces, whose breakers unchanged scripts carry on (built with the same limits, clock and
    /// callback); none when null.
    /// </param>
    public static RuleBook Build(IReadOnlyList<RuleSource> files, IReadOnlyList<StoredRule> stored, long databaseVersion, SandboxLimits limits,
        TimeProvider? time = null, Action<RuleBreakerTrip>? breakerTripped = null, RuleBook? previous = null)
    {
        var entries = new List<RuleEntry>();
        var weightRules = new List<IWeightRule>();
        var scripts = new List<ICompiledRule>();
        var overridden = stored.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var file in files.Where(f => !overridden.Contains(f.Name)))
        {
            AddScript(file, "file", version: 0, limits, entries, weightRules, scripts);
        }
        foreach (var rule in stored)
        {
            if (!rule.Enabled)
            {
                entries.Add(new RuleEntry(rule.Name, rule.Kind, rule.Language, rule.Order, false, "database", rule.Version, null));
                continue;
            }
            if (rule.Language == RuleNames.TagMatch)
            {
                AddTagMatch(rule, entries, weightRules);
                continue;
            }
            var kind = RuleNames.ParseKind(rule.Kind);
            var language = RuleNames.ParseLanguage(rule.Language);
            if (kind is null || language is null)
            {
                entries.Add(new RuleEntry(rule.Name, rule.Kind, rule.Language, rule.Order, true, "database", rule.Version, "unknown kind or language"));
                continue;
            }
            AddScript(new RuleSource(rule.Name, kind.Value, language.Value, rule.Code, rule.Order), "database", rule.Version, limits, entries, weightRules, scripts);
        }
        var previousBreakers = BreakersOf(previous);
        return new RuleBook(
            Version(files, databaseVersion),
            new WeightEvaluator(weightRules.Select(rule => Guarded(rule, limits, time ?? TimeProvider.System, breakerTripped, previousBreakers))),
            Ordered(scripts, RuleKind.Enqueue),
            Ordered(scripts, RuleKind.Retry),
            Ordered(scripts, RuleKind.LimitKey),
            entries.OrderBy(e => e.Order).ThenBy(e => e.Name, StringComparer.Ordinal).ToList(),
            scripts);
    }

    private static void AddScript(RuleSource source, string origin, int version, SandboxLimits limits,
        List<RuleEntry> entries, List<IWeightRule> weightRules, List<ICompiledRule> scripts)
    {
        var entry = new RuleEntry(source.Name, RuleNames.Kind(source.Kind), RuleNames.Language(source.Language), source.Order, true, origin, version, null);
        try
        {
            var compiled = RuleCompiler.Compile(source, limits);
            scripts.Add(compiled);
            if (source.Kind == RuleKind.Weight) weightRules.Add(compiled);
            entries.Add(entry);
        }
        catch (RuleCompileException exception)
        {
            entries.Add(entry with { Error = exception.Message });
        }
    }

    private static void AddTagMatch(StoredRule rule, List<RuleEntry> entries, List<IWeightRule> weightRules)
    {
        var entry = new RuleEntry(rule.Name, rule.Kind, rule.Language, rule.Order, true, "database", rule.Version, null);
        try
        {
            weightRules.Add(TagMatchDefinition.Parse(rule.Name, rule.Code, rule.Order));
            entries.Add(entry);
        }
        catch (FormatException exception)
        {
            entries.Add(entry with { Error = exception.Message });
        }
    }

    /// <summary>
    /// Scripts get a breaker, the previous book's for an unchanged script; tag-match rules are data, cheap and
    /// bounded, and need none.
    /// </summary>
    private static IWeightRule Guarded(IWeightRule rule, SandboxLimits limits, TimeProvider time, Action<RuleBreakerTrip>? tripped,
        Dictionary<BreakerKey, WeightRuleBreaker> previous)
    {
        if (rule is not ICompiledRule script) return rule;
        return previous.TryGetValue(BreakerKey.Of(script.Source), out var breaker)
            ? breaker.Rewrap(rule)
            : new WeightRuleBreaker(rule, limits, time, tripped);
    }

    private static Dictionary<BreakerKey, WeightRuleBreaker> BreakersOf(RuleBook? book)
    {
        var breakers = new Dictionary<BreakerKey, WeightRuleBreaker>();
        if (book is null) return breakers;
        foreach (var breaker in book.Weights.Rules.OfType<WeightRuleBreaker>())
        {
            if (breaker.Rule is ICompiledRule script) breakers.TryAdd(BreakerKey.Of(script.Source), breaker);
        }
        return breakers;
    }

    /// <summary>
    /// What decides how a script behaves on a call, and so whether its breaker's state still applies: its identity
    /// and its code (the sandbox limits are the node's, the same for every book). Not its order, which only places
    /// its factor among the others.
    /// </summary>
    private sealed record BreakerKey(string Name, RuleKind Kind, RuleLanguage Language, string Code)
    {
        public static BreakerKey Of(RuleSource source) => new(source.Name, source.Kind, source.Language, source.Code);
    }

    private static List<ICompiledRule> Ordered(List<ICompiledRule> scripts, RuleKind kind) =>
        scripts.Where(s => s.Source.Kind == kind).OrderBy(s => s.Source.Order).ThenBy(s => s.Source.Name, StringComparer.Ordinal).ToList();

    /// <summary>"db{n}-files{hash}": changes when a database rule changes or the rule files differ.</summary>
    private static string Version(IReadOnlyList<RuleSource> files, long databaseVersion)
    {
        var text = string.Join('\n', files.Select(f => $"{f.Name}|{f.Kind}|{f.Language}|{f.Order}|{f.Code}"));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8];
        return string.Create(CultureInfo.InvariantCulture, $"db{databaseVersion}-files{hash}");
    }
}
