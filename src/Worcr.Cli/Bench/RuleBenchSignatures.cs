using Worcr.Core.Dispatch;
using Worcr.Core.Lanes;

namespace Worcr.Cli.Bench;

/// <summary>
/// The distinct job and worker signatures of BENCH.md workload 5: 100 lanes (5 tenants × 4 types × 5 tag sets)
/// and 20 workers (10 tag sets × 2 sets of job types). Rules are judged per signature, never per job.
/// </summary>
internal static class RuleBenchSignatures
{
    private static readonly string[] Tenants = ["acme", "globex", "initech", "umbrella", "hooli"];
    private static readonly string[] Types = ["email.send", "report.render", "payment.charge", "image.resize"];
    private static readonly string[][] JobTagSets = [[], ["premium"], ["vip"], ["region:eu"], ["premium", "region:eu"]];
    private static readonly string[][] WorkerTagSets =
    [
        [], ["premium"], ["vip"], ["region:eu"], ["region:us"], ["premium", "region:eu"], ["gpu"], ["vip", "region:us"], ["premium", "vip"], ["batch"],
    ];
    private static readonly string[][] WorkerTypeSets = [Types, ["report.render", "image.resize"]];

    public static IReadOnlyList<Lane> Lanes() =>
        (from tenant in Tenants
         from type in Types
         from tags in JobTagSets
         select (tenant, type, tags))
        .Select((lane, index) => new Lane(index + 1, lane.tenant, lane.type, Lane.NormaliseTags(lane.tags), Weight: 1))
        .ToArray();

    public static IReadOnlyList<WorkerProfile> Workers() =>
        (from types in WorkerTypeSets
         from tags in WorkerTagSets
         select (types, tags))
        .Select((worker, index) => new WorkerProfile($"worker-{index + 1}", Lane.NormaliseTags(worker.tags), worker.types.ToHashSet(StringComparer.Ordinal)))
        .ToArray();
}
