using Worcr.Server.Limits;

namespace Worcr.Admin;

/// <summary>A limit as the admin API shows it (the same shape PUT accepts, plus where it comes from).</summary>
internal sealed record LimitView(
    string Name, string Kind, LimitMatchView Match, long Capacity, string? Period, long? Burst, string Mode, bool Enabled, string Origin)
{
    public static LimitView From(LimitDefinition limit) => new(
        limit.Name, LimitNames.Of(limit.Kind), new LimitMatchView(limit.Match.By, limit.Match.Field, limit.Match.Value), limit.Capacity,
        limit.Period > TimeSpan.Zero ? LimitPeriod.Format(limit.Period) : null, limit.Burst > 0 ? limit.Burst : null,
        LimitNames.Of(limit.Mode), limit.Enabled, limit.Origin);
}

internal sealed record LimitMatchView(string By, string? Field, string? Value);

internal sealed record LimitListView(IReadOnlyList<LimitView> Limits);
