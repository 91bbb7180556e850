using Worcr.Protocol.V1;

namespace Worcr.Cli.Bench;

/// <summary>The jobs the benchmarks enqueue: the no-op type, one tenant, small arguments.</summary>
internal static class BenchJobs
{
    public static JobSpec Spec(int index) => new()
    {
        Type = BenchNode.JobType,
        Tenant = "bench",
        ArgsJson = $$"""{"i":{{index}}}""",
    };

    /// <summary>
    /// A bench job, with the tags the bench weight rules look at when <paramref name="tagged"/>; with more than one
    /// tenant, job i belongs to tenant "t{i mod tenants}" (so every tenant has work waiting from the start).
    /// </summary>
    public static JobSpec Spec(int index, bool tagged, int tenants = 1)
    {
        var spec = Spec(index);
        if (tagged) spec.Tags.Add(BenchWeightRules.JobTags(index));
        if (tenants > 1) spec.Tenant = Tenant(index % tenants);
        return spec;
    }

    public static string Tenant(int number) => "t" + number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
