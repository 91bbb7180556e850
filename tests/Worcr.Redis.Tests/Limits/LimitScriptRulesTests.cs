using System.Reflection;
using Worcr.Redis.Limits;

namespace Worcr.Redis.Tests.Limits;

/// <summary>The server's clock in limit scripts (one hash slot per script: <see cref="HashSlotTests"/>).</summary>
public sealed class LimitScriptRulesTests
{
    private static IEnumerable<(string Name, string Source)> Scripts() =>
        typeof(LimitScripts).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (f.Name, ((Internal.RedisScript)f.GetValue(null)!).Text));

    [Fact]
    public void Every_acquire_script_reads_time_from_the_redis_server_not_from_a_caller()
    {
        var acquires = Scripts().Where(s => s.Name.EndsWith("Acquire", StringComparison.Ordinal)).ToArray();

        Assert.Equal(4, acquires.Length);
        Assert.All(acquires, s => Assert.Contains("redis.call('TIME')", s.Source, StringComparison.Ordinal));
    }
}
