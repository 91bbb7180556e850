using Worcr.Core.Dispatch;
using Worcr.Postgres;
using Worcr.Scripting;
using Worcr.Server.Rules;

namespace Worcr.Cli.Bench;

/// <summary>
/// A rule book built the way a node builds it (<see cref="RuleBookBuilder"/>), seen through public types only, so
/// the bench tests (which cannot see the server's internals) can check what the benchmarks measure. Disposing it
/// disposes the compiled scripts.
/// </summary>
internal sealed class BenchRuleBook : IDisposable
{
    private readonly RuleBook _book;

    private BenchRuleBook(RuleBook book) => _book = book;

    public WeightEvaluator Weights => _book.Weights;

    /// <summary>Name, language ("lua", "javascript", "tag_match") and compile error of every rule in the book.</summary>
    public IReadOnlyList<(string Name, string Language, string? Error)> Rules => [.. _book.Entries.Select(entry => (entry.Name, entry.Language, entry.Error))];

    public IEnumerable<ICompiledRule> Scripts(RuleLanguage language) => _book.Owned.OfType<ICompiledRule>().Where(rule => rule.Source.Language == language);

    /// <summary>Builds the book; throws when any rule did not compile (a benchmark of a broken rule measures nothing).</summary>
    public static BenchRuleBook Build(IReadOnlyList<RuleSource> files, IReadOnlyList<StoredRule> stored, SandboxLimits limits)
    {
        var book = new BenchRuleBook(RuleBookBuilder.Build(files, stored, databaseVersion: 1, limits));
        var broken = book.Rules.FirstOrDefault(rule => rule.Error is not null);
        if (broken.Error is null) return book;
        book.Dispose();
        throw new InvalidOperationException($"Bench rule '{broken.Name}' did not compile: {broken.Error}");
    }

    /// <summary>The node's cached rule oracle over this book.</summary>
    public IWeightOracle CachedOracle(Action<string> onRuleError) => new RuleWeightOracle(() => _book, onRuleError);

    /// <summary>What a weight rule sees of a lane, exactly as the node builds it.</summary>
    public static JobFacts LaneFacts(Worcr.Core.Lanes.Lane lane) => RuleWeightOracle.LaneFacts(lane);

    public void Dispose()
    {
        foreach (var owned in _book.Owned) owned.Dispose();
    }
}
