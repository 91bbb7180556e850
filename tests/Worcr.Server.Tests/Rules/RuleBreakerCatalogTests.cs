using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using Worcr.Scripting;
using Worcr.Server.Rules;
using Worcr.Server.Telemetry;
using Worcr.Server.Tests.Maintenance;
using Worcr.Server.Tests.WorkerSdk;

namespace Worcr.Server.Tests.Rules;

/// <summary>
/// The node's side of the weight-rule breakers: a trip is logged and counted once (not per skipped call), a failed
/// trial call is a new trip, and a breaker outlives a new rules version in which its rule is unchanged (saving another
/// rule does not close it) but a changed rule starts closed.
/// </summary>
public sealed class RuleBreakerCatalogTests
{
    private const string Endless = "function weight(job, worker) { while (true) {} }";
    private const string Cheap = "function weight(job, worker) { return 2; }";
    private const int BreakerOpened = 4005;
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);

    private static readonly SandboxLimits Limits = new() { ScriptTimeBudget = TimeSpan.FromMilliseconds(20), JsStatementBudget = int.MaxValue };
    private static readonly JobFacts Job = new("email", "acme", [], "{}", 1, DateTimeOffset.UnixEpoch);
    private static readonly WorkerFacts Worker = new("w1", [], ["email"]);

    [Fact]
    public async Task A_trip_is_logged_and_counted_once()
    {
        await using var db = await MaintenanceDatabase.CreateAsync();
        var logs = new CapturingLoggerProvider();
        using var meter = new Meter(NodeTelemetry.MeterName);
        var trips = new List<(long Value, string? Rule)>();
        using var listener = TripListener(meter, trips);
        var time = new FakeTimeProvider(Start);
        using var catalog = new RuleCatalog(db.Rules, [], Limits, logs.CreateLogger("rules"), time) { Telemetry = new NodeTelemetry(meter, () => [], 100) };
        await db.Rules.SaveAsync("endless", "weight", "javascript", Endless, order: 0, enabled: true);
        await catalog.ReloadAsync(CancellationToken.None);

        var errors = Errors(catalog, calls: 50);

        Assert.Equal(5, errors.Count(e => e.Contains("(js) exceeded its time budget", StringComparison.Ordinal) && !e.Contains("skipped", StringComparison.Ordinal)));
        Assert.Equal([(1L, "endless")], trips);
        var line = Assert.Single(logs.Lines, l => l.EventId.Id == BreakerOpened);
        Assert.StartsWith("Weight rule 'endless' is skipped (factor 1) until 2026-12-06T10:00:30", line.Message);

        time.Advance(TimeSpan.FromSeconds(30));
        errors = Errors(catalog, calls: 20);

        Assert.Single(errors, e => !e.Contains("skipped", StringComparison.Ordinal)); // the one trial call ran the script
        Assert.Equal(2, trips.Count);
        Assert.Equal(2, logs.Lines.Count(l => l.EventId.Id == BreakerOpened));
    }

    [Fact]
    public async Task Saving_another_rule_leaves_an_open_breaker_open_until_its_trial_time()
    {
        await using var db = await MaintenanceDatabase.CreateAsync();
        var time = new FakeTimeProvider(Start);
        using var catalog = new RuleCatalog(db.Rules, [], Limits, new CapturingLoggerProvider().CreateLogger("rules"), time);
        await db.Rules.SaveAsync("endless", "weight", "javascript", Endless, order: 0, enabled: true);
        await catalog.ReloadAsync(CancellationToken.None);
        Errors(catalog, calls: Limits.WeightBreakerTripAfter); // the breaker opens
        var tripped = catalog.Current;

        await db.Rules.SaveAsync("cheap", "weight", "javascript", Cheap, order: 1, enabled: true);
        await catalog.ReloadAsync(CancellationToken.None);
        var skipped = Errors(catalog, calls: 20);

        Assert.NotEqual(tripped.Version, catalog.Current.Version);
        Assert.All(skipped, e => Assert.StartsWith("rule 'endless' was skipped", e, StringComparison.Ordinal));
        Assert.Contains("until 2026-12-06T10:00:30.000Z", skipped[0], StringComparison.Ordinal);
        Assert.Equal(1, Breaker(catalog.Current, "endless").Trips);
        Assert.True(Breaker(tripped, "endless").IsOpen); // a decision still using the old book skips it too

        time.Advance(Limits.WeightBreakerCoolDown);
        var afterCoolDown = Errors(catalog, calls: 3);

        Assert.Single(afterCoolDown, e => !e.Contains("skipped", StringComparison.Ordinal)); // the one trial call ran the script
        Assert.Equal(2, Breaker(catalog.Current, "endless").Trips);
    }

    [Fact]
    public async Task A_changed_rule_starts_with_its_breaker_closed()
    {
        await using var db = await MaintenanceDatabase.CreateAsync();
        var time = new FakeTimeProvider(Start);
        using var catalog = new RuleCatalog(db.Rules, [], Limits, new CapturingLoggerProvider().CreateLogger("rules"), time);
        await db.Rules.SaveAsync("endless", "weight", "javascript", Endless, order: 0, enabled: true);
        await catalog.ReloadAsync(CancellationToken.None);
        Errors(catalog, calls: Limits.WeightBreakerTripAfter); // the breaker opens

        await db.Rules.SaveAsync("endless", "weight", "javascript", Endless + " ", order: 0, enabled: true);
        await catalog.ReloadAsync(CancellationToken.None);

        Assert.DoesNotContain("skipped", Errors(catalog, calls: 1)[0], StringComparison.Ordinal);
        Assert.False(Breaker(catalog.Current, "endless").IsOpen);
        Assert.Equal(0, Breaker(catalog.Current, "endless").Trips);
    }

    private static WeightRuleBreaker Breaker(RuleBook book, string rule) =>
        Assert.Single(book.Weights.Rules.OfType<WeightRuleBreaker>(), breaker => breaker.Name == rule);

    /// <summary>The weight rules' error of each call (only "endless" fails).</summary>
    private static List<string> Errors(RuleCatalog catalog, int calls) =>
        [.. Enumerable.Range(0, calls).Select(_ => Assert.Single(catalog.Current.Weights.Evaluate(Job, Worker).Errors))];

    private static MeterListener TripListener(Meter meter, List<(long Value, string? Rule)> trips)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == meter && instrument.Name == "worcr.rule.breaker.trips") l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? rule = null;
            foreach (var tag in tags) if (tag.Key == "rule") rule = tag.Value as string;
            lock (trips) trips.Add((value, rule));
        });
        listener.Start();
        return listener;
    }
}
