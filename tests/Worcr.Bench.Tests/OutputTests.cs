using System.Text.Json;
using Worcr.Cli.Bench;

namespace Worcr.Bench.Tests;

public sealed class OutputTests
{
    [Fact]
    public void Json_line_keeps_field_order_and_rounds_to_microseconds()
    {
        var line = new JsonLine().Add("system", "worcr").Add("jobs", 20000).Add("p99_ms", 1.23456789).ToString();
        Assert.Equal("""{"system":"worcr","jobs":20000,"p99_ms":1.235}""", line);
    }

    [Fact]
    public void Figure_that_could_not_be_measured_is_null_not_a_crash() =>
        Assert.Equal("""{"enqueue_bulk_jobs_per_s":null}""", new JsonLine().Add("enqueue_bulk_jobs_per_s", double.NaN).ToString());

    [Fact]
    public void Summary_gives_median_min_and_max_of_each_figure()
    {
        var parameters = new JsonLine().Add("system", "worcr").Add("workload", "latency");
        IReadOnlyDictionary<string, double>[] runs =
        [
            new Dictionary<string, double> { ["p99_ms"] = 9 },
            new Dictionary<string, double> { ["p99_ms"] = 3 },
            new Dictionary<string, double> { ["p99_ms"] = 5 },
        ];

        using var summary = JsonDocument.Parse(RunSummary.Summarise(parameters, runs).ToString());

        var p99 = summary.RootElement.GetProperty("p99_ms");
        Assert.Equal("latency", summary.RootElement.GetProperty("workload").GetString());
        Assert.Equal(3, summary.RootElement.GetProperty("runs").GetInt32());
        Assert.Equal((5.0, 3.0, 9.0), (p99.GetProperty("median").GetDouble(), p99.GetProperty("min").GetDouble(), p99.GetProperty("max").GetDouble()));
    }

    [Fact]
    public void Run_that_lost_a_job_fails_instead_of_printing_a_figure()
    {
        var report = new WorkerReport([new JobStart("1", 1)], 2);
        var error = Assert.Throws<InvalidOperationException>(() => ReportAnomalies.Check(report, expectedJobs: 2));
        Assert.Contains("expected 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Latency_uses_the_first_start_of_a_job_that_ran_twice()
    {
        var callStarts = new Dictionary<string, double> { ["a"] = 100, ["b"] = 200 };
        var report = new WorkerReport([new JobStart("a", 103), new JobStart("b", 201), new JobStart("a", 150)], 150);
        Assert.Equal([1.0, 3.0], LatencyBenchmark.Latencies(callStarts, report));
    }

    [Fact]
    public void Latency_parameters_name_the_warm_up_only_when_there_is_one()
    {
        var cold = new LatencyBenchmark(1000, 200, 16, TimeSpan.FromMinutes(1));
        var warm = new LatencyBenchmark(1000, 200, 16, TimeSpan.FromMinutes(1)) { WarmupJobs = 200 };
        Assert.Equal("""{"system":"worcr","workload":"latency","jobs":1000,"rate":200,"concurrency":16}""", cold.Parameters.ToString());
        Assert.Equal("""{"system":"worcr","workload":"latency","jobs":1000,"rate":200,"concurrency":16,"warmup":200}""", warm.Parameters.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatencyBenchmark(1000, 200, 16, TimeSpan.FromMinutes(1)) { WarmupJobs = -1 });
    }
}
