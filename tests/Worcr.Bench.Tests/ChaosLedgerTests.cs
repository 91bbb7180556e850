using Worcr.Cli.Bench;

namespace Worcr.Bench.Tests;

public sealed class ChaosLedgerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chaos-ledger").FullName;

    [Fact]
    public void Attempts_of_one_job_that_overlap_across_workers_count_as_one_concurrent_duplicate()
    {
        var ledger = Read(
            ("w1", ["S 7 1 1000 0", "E 7 1 2000"], 9_999),
            ("w2", ["S 7 2 1500 1", "E 7 2 2500", "S 8 1 3000 0", "E 8 1 3100"], 9_999));

        Assert.Equal(1, ledger.ConcurrentDuplicates());
        Assert.Equal(1, ledger.Resumed);
    }

    [Fact]
    public void An_attempt_that_starts_as_the_previous_one_was_told_to_stop_is_no_duplicate()
    {
        var ledger = Read(("w1", ["S 7 1 1000 0", "E 7 1 2000", "S 7 2 2000 1", "E 7 2 2500"], 9_999));

        Assert.Equal(0, ledger.ConcurrentDuplicates());
        Assert.Equal(0, ledger.MaxOverLimit(1));
    }

    [Fact]
    public void The_attempts_of_a_killed_worker_end_when_it_was_killed()
    {
        // w1 was killed at 1,500 with job 7 open; the job's next attempt began at 1,600: no overlap.
        var ledger = Read(("w1", ["S 7 1 1000 0", "S 8 1 1000 0"], 1_500), ("w2", ["S 7 2 1600 1", "E 7 2 1700"], 9_999));

        Assert.Equal(0, ledger.ConcurrentDuplicates());
        Assert.Equal(1, ledger.MaxOverLimit(1));
        Assert.Equal(1600, ledger.FirstStartAfter(1_500));
    }

    [Fact]
    public void Running_beyond_the_capacity_is_counted_at_its_peak_and_a_line_cut_by_a_kill_is_ignored()
    {
        var ledger = Read(("w1", ["S 1 1 0 0", "S 2 1 10 0", "S 3 1 20 0", "E 1 1 30", "E 2 1 40", "E 3 1 50", "S 4 1 6"], 100));

        Assert.Equal(1, ledger.MaxOverLimit(2));
        Assert.Equal(0, ledger.MaxOverLimit(3));
        Assert.Equal(3, ledger.Starts);
    }

    private ChaosLedger Read(params (string Worker, string[] Lines, double OpenEndMs)[] workers)
    {
        var files = workers.Select(w =>
        {
            var path = Path.Combine(_directory, w.Worker + ".events");
            File.WriteAllLines(path, w.Lines);
            return (path, w.OpenEndMs);
        }).ToList();
        return ChaosLedger.Read(files);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
