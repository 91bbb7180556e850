using Worcr.Cli.Bench;

namespace Worcr.Bench.Tests;

/// <summary>The pieces `bench progress`, `bench fairness` and `bench throughput --compare-fifo` add.</summary>
public sealed class ComparisonAndReportTests
{
    [Fact]
    public void Tenants_and_a_flood_survive_the_worker_reports_round_trip()
    {
        var report = new WorkerReport([new JobStart("1", 10.5, "t3"), new JobStart("2", 11, null)], 12, new FloodSpan(9.25, 20.5, 100_000));
        var text = new StringWriter();
        report.WriteTo(text);

        var parsed = WorkerReport.Parse(new StringReader(text.ToString()));

        Assert.Equal(report.Starts, parsed.Starts);
        Assert.Equal(new FloodSpan(9.25, 20.5, 100_000), parsed.Flood);
    }

    [Fact]
    public void A_ratio_line_holds_both_medians_the_ratio_of_medians_and_the_spread_of_paired_ratios()
    {
        var line = PairedComparison.AddRatio(new JsonLine(), "process_jobs_per_s", "fifo", [100, 200, 300], "fair", [90, 220, 240], "ratio_vs_fifo");

        var fields = line.Fields.ToDictionary(f => f.Name, f => f.Value);
        Assert.Equal(200.0, fields["process_jobs_per_s_fifo"]);
        Assert.Equal(220.0, fields["process_jobs_per_s_fair"]);
        Assert.Equal(1.1, (double)fields["ratio_vs_fifo"], 9);
        Assert.Contains("\"min\":0.8", line.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"max\":1.1", line.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_ratio_needs_paired_runs() =>
        Assert.Throws<ArgumentException>(() => PairedComparison.AddRatio(new JsonLine(), "x", "a", [1, 2], "b", [1], "r"));

    [Fact]
    public void Jobs_spread_over_tenants_go_round_and_a_single_tenant_keeps_the_bench_tenant()
    {
        Assert.Equal(["t0", "t1", "t2", "t0"], Enumerable.Range(0, 4).Select(i => BenchJobs.Spec(i, tagged: false, tenants: 3).Tenant));
        Assert.Equal("bench", BenchJobs.Spec(5, tagged: false).Tenant);
    }

    [Fact]
    public void Fairness_parameters_name_the_strategy_and_the_workload_sizes()
    {
        var line = new FairnessBenchmark("round_robin", 10_000, 100, 10, 2, 8, TimeSpan.FromMinutes(1)).Parameters.ToString();

        Assert.Equal("""{"system":"worcr","workload":"fairness","strategy":"round_robin","big":10000,"small":100,"tenants":10,"job_ms":2,"concurrency":8}""", line);
    }

    [Fact]
    public void Jain_counts_only_starts_after_every_tenant_was_enqueued_against_the_work_left_then()
    {
        // t0's first two jobs ran while t1 was still being enqueued (before 100); from then on they alternate.
        var starts = new[] { ("t0", 10.0), ("t0", 20.0), ("t0", 110.0), ("t1", 120.0), ("t0", 130.0), ("t1", 140.0), ("t1", 150.0) };
        var report = new WorkerReport([.. starts.Select((s, i) => new JobStart(i.ToString(System.Globalization.CultureInfo.InvariantCulture), s.Item2, s.Item1))], 160);

        var jain = FairnessBenchmark.JainFromAllEnqueued(report, new Dictionary<string, int> { ["t0"] = 10, ["t1"] = 3 }, allEnqueuedMs: 100);

        Assert.Equal(1.0, jain, 9);
    }
}
