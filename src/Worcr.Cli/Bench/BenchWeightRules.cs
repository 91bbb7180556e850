namespace Worcr.Cli.Bench;

/// <summary>
/// The weight rules of `bench throughput --weight-rules N` and the tags that make them matter: bench jobs carry
/// one of four tag sets (four lanes), the bench worker carries premium, vip and region:eu. Every rule applies to
/// some bench jobs, none forbids the bench worker (the gpu rule forbids only jobs the bench never enqueues).
/// </summary>
internal static class BenchWeightRules
{
    public const int Max = 5;

    public static IReadOnlyList<string> WorkerTags { get; } = ["premium", "region:eu", "vip"];

    private static readonly string[][] JobTagSets = [["premium", "region:eu"], ["region:eu"], ["vip"], []];

    /// <summary>File name and text (header included) of each rule, in the order `--weight-rules N` takes them.</summary>
    public static IReadOnlyList<(string FileName, string Text)> Files { get; } =
    [
        ("premium-boost.lua", """
            -- worcr-rule: name=premium-boost kind=weight order=10
            function weight(job, worker)
              if has(job.tags, 'premium') and has(worker.tags, 'premium') then return 10 end
              return 1
            end
            """),
        ("region-affinity.js", """
            // worcr-rule: name=region-affinity kind=weight order=20
            function weight(job, worker) {
              if (has(job.tags, 'region:eu') && has(worker.tags, 'region:eu')) { return 2; }
              return 1;
            }
            """),
        ("bench-tenant.lua", """
            -- worcr-rule: name=bench-tenant kind=weight order=30
            function weight(job, worker)
              if job.tenant == 'bench' and job.type == 'bench.noop' then return 1.5 end
              return 1
            end
            """),
        ("vip-boost.js", """
            // worcr-rule: name=vip-boost kind=weight order=40
            function weight(job, worker) {
              if (has(job.tags, 'vip') && has(worker.tags, 'vip')) { return 5; }
              return 1;
            }
            """),
        ("gpu-only-on-gpu.lua", """
            -- worcr-rule: name=gpu-only-on-gpu kind=weight order=50
            function weight(job, worker)
              if has(job.tags, 'gpu') and not has(worker.tags, 'gpu') then return 0 end
              return 1
            end
            """),
    ];

    /// <summary>The tags of bench job <paramref name="index"/>: the four tag sets in turn.</summary>
    public static IReadOnlyList<string> JobTags(int index) => JobTagSets[index % JobTagSets.Length];

    public static IReadOnlyList<IReadOnlyList<string>> AllJobTagSets => JobTagSets;
}
