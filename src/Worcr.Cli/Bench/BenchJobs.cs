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

    /// <summary>A bench job, with the tags the bench weight rules look at when <paramref name="tagged"/>.</summary>
    public static JobSpec Spec(int index, bool tagged)
    {
        var spec = Spec(index);
        if (tagged) spec.Tags.Add(BenchWeightRules.JobTags(index));
        return spec;
    }
}
