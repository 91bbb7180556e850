using Worcr.Scripting;
using Worcr.Server.Rules;
using Worcr.Server.Tests.Maintenance;

namespace Worcr.Server.Tests.Rules;

/// <summary>The node's rule books: a book replaced by a reload lives on briefly for decisions in flight, then goes.</summary>
public sealed class RuleCatalogTests
{
    private const string RetryRule = "function retry(job, attempt, error) { return 5; }";

    private static readonly JobFacts Job = new("email", "acme", [], "{}", 1, DateTimeOffset.UnixEpoch);

    /// <summary>
    /// Retired books used to be left to their 30 s timers, so a node's disposal left their script engines (native Lua
    /// states among them) alive that long, and a reload finishing during disposal made a book nothing ever disposed.
    /// </summary>
    [Fact]
    public async Task Disposing_the_catalog_disposes_the_books_it_retired_and_a_reload_after_it_keeps_no_book()
    {
        await using var db = await MaintenanceDatabase.CreateAsync();
        var catalog = new RuleCatalog(db.Rules, [], SandboxLimits.Default, MaintenanceDatabase.Log<RuleCatalog>());
        await db.Rules.SaveAsync("backoff", "retry", "javascript", RetryRule, order: 0, enabled: true);
        await catalog.ReloadAsync(CancellationToken.None);
        var retired = catalog.Current;
        await db.Rules.SaveAsync("backoff", "retry", "javascript", RetryRule.Replace("5", "7", StringComparison.Ordinal), order: 0, enabled: true);
        await catalog.ReloadAsync(CancellationToken.None);
        var current = catalog.Current;
        Assert.NotSame(retired, current);
        Assert.Equal(5, Delay(retired));

        catalog.Dispose();

        Assert.Throws<ObjectDisposedException>(() => Delay(retired));
        Assert.Throws<ObjectDisposedException>(() => Delay(current));
        await db.Rules.SaveAsync("backoff", "retry", "javascript", RetryRule.Replace("5", "9", StringComparison.Ordinal), order: 0, enabled: true);
        await catalog.ReloadAsync(CancellationToken.None);
        Assert.Same(current, catalog.Current);
    }

    private static double Delay(RuleBook book) => book.Retry.Single().EvaluateRetry(Job, 1, "boom").Delay.TotalSeconds;
}
