using Worcr.Core.Workers;

namespace Worcr.Core.Tests.Workers;

public sealed class ReportBudgetTests
{
    private const long TicksPerSecond = 1_000_000;

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * TicksPerSecond);

    [Fact]
    public void A_burst_passes_at_once_without_a_pause()
    {
        var budget = new ReportBudget(perSecond: 1000, burst: 200, TicksPerSecond, now: 0);

        var pauses = Enumerable.Range(0, 200).Select(_ => budget.Take(0)).ToList();

        Assert.All(pauses, p => Assert.Equal(TimeSpan.Zero, p));
        Assert.Equal(TimeSpan.Zero, budget.Paused);
    }

    [Fact]
    public void A_sender_that_pauses_as_told_is_held_to_the_rate()
    {
        // A flood: each report is sent the moment the previous pause ended, so time advances only by pauses.
        var budget = new ReportBudget(perSecond: 1000, burst: 200, TicksPerSecond, now: 0);
        long now = 0;
        for (var i = 0; i < 5200; i++) now += Ticks(budget.Take(now));

        var seconds = now / (double)TicksPerSecond;
        // 5,000 reports beyond the burst at 1,000/s: 5 s, less the last debt too small to pause for.
        Assert.InRange(seconds, 5.0 - ReportBudget.MinimumPause.TotalSeconds, 5.0);
        Assert.InRange(budget.Paused.TotalSeconds, seconds - 0.001, seconds + 0.001);
    }

    [Fact]
    public void Reports_at_the_rate_never_pause()
    {
        var budget = new ReportBudget(perSecond: 1000, burst: 1, TicksPerSecond, now: 0);

        var pauses = Enumerable.Range(1, 3000).Select(i => budget.Take(i * TicksPerSecond / 1000)).ToList();

        Assert.All(pauses, p => Assert.Equal(TimeSpan.Zero, p));
    }

    [Fact]
    public void Small_debts_add_up_to_one_pause_of_at_least_the_minimum()
    {
        var budget = new ReportBudget(perSecond: 1000, burst: 1, TicksPerSecond, now: 0);

        var pauses = Enumerable.Range(0, 10).Select(_ => budget.Take(0)).ToList();

        // The 6th report at one instant owes 5 ms (5 reports beyond the burst at 1 ms each): the first pause.
        Assert.All(pauses.Take(5), p => Assert.Equal(TimeSpan.Zero, p));
        Assert.Equal(TimeSpan.FromMilliseconds(5), pauses[5]);
        Assert.All(pauses.Skip(5), p => Assert.True(p >= ReportBudget.MinimumPause));
    }

    [Fact]
    public void A_quiet_spell_refills_the_bucket_up_to_the_burst_only()
    {
        var budget = new ReportBudget(perSecond: 100, burst: 10, TicksPerSecond, now: 0);
        for (var i = 0; i < 10; i++) budget.Take(0);

        var afterAnHour = Ticks(TimeSpan.FromHours(1));
        var pauses = Enumerable.Range(0, 11).Select(_ => budget.Take(afterAnHour)).ToList();

        Assert.All(pauses.Take(10), p => Assert.Equal(TimeSpan.Zero, p));
        Assert.NotEqual(TimeSpan.Zero, pauses[10]);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(-1, 10)]
    [InlineData(100, 0.5)]
    public void Nonsense_settings_are_refused(double perSecond, double burst) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReportBudget(perSecond, burst, TicksPerSecond, 0));
}
