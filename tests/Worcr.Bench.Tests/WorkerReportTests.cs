using Worcr.Cli.Bench;

namespace Worcr.Bench.Tests;

public sealed class WorkerReportTests
{
    [Fact]
    public void Report_survives_a_round_trip_with_sub_millisecond_times()
    {
        var report = new WorkerReport([new JobStart("17", 1_700_000_000_123.456), new JobStart("18", 1_700_000_000_124.5)], 1_700_000_000_125.25);
        var text = new StringWriter();
        report.WriteTo(text);

        var parsed = WorkerReport.Parse(new StringReader(text.ToString()));

        Assert.Equal(report.Starts, parsed.Starts);
        Assert.Equal(report.LastCompletionMs, parsed.LastCompletionMs);
    }

    [Fact]
    public void Ready_line_of_a_worker_reporting_on_stdout_is_skipped()
    {
        var parsed = WorkerReport.Parse(new StringReader("ready\nstart 5 10.5\nlast_completion 11\n"));
        Assert.Equal([new JobStart("5", 10.5)], parsed.Starts);
    }

    [Fact]
    public void Handled_line_of_a_worker_reporting_on_stdout_is_skipped()
    {
        var parsed = WorkerReport.Parse(new StringReader("ready\nstart 5 10.5\nhandled\nlast_completion 11\n"));
        Assert.Equal([new JobStart("5", 10.5)], parsed.Starts);
        Assert.Equal(11, parsed.LastCompletionMs);
    }

    [Fact]
    public void Garbage_line_is_reported_with_its_number()
    {
        var error = Assert.Throws<FormatException>(() => WorkerReport.Parse(new StringReader("start 1 2\noops\n")));
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void First_start_is_the_earliest_even_when_lines_are_out_of_order()
    {
        var report = new WorkerReport([new JobStart("a", 30), new JobStart("b", 10), new JobStart("c", 20)], 40);
        Assert.Equal(10, report.FirstStartMs);
    }
}
