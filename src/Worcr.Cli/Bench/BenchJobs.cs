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
}
