using Worcr.Core.Lanes;

namespace Worcr.Core.Tests.Lanes;

/// <summary>Small builders so each test states only what matters to it.</summary>
internal static class LaneFixtures
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static Lane Lane(long id, string type = "email", string tenant = "acme") =>
        new(id, tenant, type, [], 1.0);

    public static LaneState State(long id, long waiting, int minutesAfterT0 = 0, string type = "email") =>
        new(Lane(id, type), waiting, T0.AddMinutes(minutesAfterT0));
}
