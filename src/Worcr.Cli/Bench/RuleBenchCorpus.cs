using Worcr.Postgres;
using Worcr.Scripting;
using Worcr.Server.Rules;

namespace Worcr.Cli.Bench;

/// <summary>
/// The ten weight rules of BENCH.md workload 5, written the way an installation would: four in Lua, three in
/// JavaScript (as rule files) and three tag matches (as database rows). Their bodies look at tags, tenant and
/// type like real rules do, and some pairs are forbidden, so the evaluator's early stop is part of the figure.
/// </summary>
internal static class RuleBenchCorpus
{
    public const int LuaRules = 4;
    public const int JavaScriptRules = 3;
    public const int TagMatchRules = 3;

    public static IReadOnlyList<RuleSource> Scripts { get; } =
    [
        Lua("premium-boost", 10, """
            function weight(job, worker)
              if has(job.tags, 'premium') and has(worker.tags, 'premium') then return 10 end
              return 1
            end
            """),
        Lua("premium-reserved", 20, """
            function weight(job, worker)
              if has(worker.tags, 'premium') and not has(job.tags, 'premium') then return 0 end
              return 1
            end
            """),
        Lua("region-affinity", 30, """
            function weight(job, worker)
              local job_eu, worker_eu = has(job.tags, 'region:eu'), has(worker.tags, 'region:eu')
              if job_eu and worker_eu then return 2 end
              if job_eu and has(worker.tags, 'region:us') then return 0.5 end
              return 1
            end
            """),
        Lua("tenant-tier", 40, """
            local GOLD = { acme = true, globex = true }
            function weight(job, worker)
              local factor = 1
              if GOLD[job.tenant] then factor = factor * 2 end
              if job.type == 'payment.charge' then factor = factor * 3 end
              return factor
            end
            """),
        Js("vip-boost", 50, """
            function weight(job, worker) {
              if (has(job.tags, 'vip') && has(worker.tags, 'vip')) { return 10; }
              return 1;
            }
            """),
        Js("render-specialists", 60, """
            function weight(job, worker) {
              var renders = job.type === 'report.render' || job.type === 'image.resize';
              if (renders && worker.job_types.length <= 2 && has(worker.job_types, job.type)) { return 3; }
              return 1;
            }
            """),
        Js("noisy-tenant", 70, """
            function weight(job, worker) {
              if (job.tenant === 'hooli' && !has(worker.tags, 'batch')) { return 0.25; }
              return 1;
            }
            """),
    ];

    /// <summary>Tag matches are kept in the database (rule files hold scripts only), so they come as stored rows.</summary>
    public static IReadOnlyList<StoredRule> TagMatches { get; } =
    [
        TagMatch("gpu-only-on-gpu", 80, """{"job_all":["gpu"],"worker_all":["gpu"],"action":"require"}"""),
        TagMatch("batch-workers-slow", 90, """{"worker_all":["batch"],"action":"multiply","factor":0.5}"""),
        TagMatch("eu-premium", 100, """{"job_all":["premium","region:eu"],"worker_any":["region:eu"],"action":"multiply","factor":4}"""),
    ];

    /// <summary>The corpus compiled into a rule book, as a node builds it; throws if any rule did not compile.</summary>
    public static BenchRuleBook Build(SandboxLimits limits) => BenchRuleBook.Build(Scripts, TagMatches, limits);

    private static RuleSource Lua(string name, int order, string code) => new(name, RuleKind.Weight, RuleLanguage.Lua, code, order);

    private static RuleSource Js(string name, int order, string code) => new(name, RuleKind.Weight, RuleLanguage.JavaScript, code, order);

    private static StoredRule TagMatch(string name, int order, string json) =>
        new(name, "weight", RuleNames.TagMatch, json, order, Enabled: true, Version: 1, UpdatedAt: DateTimeOffset.UnixEpoch);
}
