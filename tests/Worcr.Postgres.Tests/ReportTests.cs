using Worcr.Core.Jobs;
using static Worcr.Postgres.Tests.TestDatabase;

namespace Worcr.Postgres.Tests;

public sealed class ReportTests
{
    [Fact]
    public async Task Checkpoints_saved_by_one_attempt_are_handed_to_the_next()
    {
        await using var db = await CreateAsync();
        var run = await db.RunOneAsync();
        Assert.True(await db.Jobs.SaveCheckpointAsync(run.Id, run.Attempt, "page", "1"));
        Assert.True(await db.Jobs.SaveCheckpointAsync(run.Id, run.Attempt, "page", "2"));
        Assert.True(await db.Jobs.SaveCheckpointAsync(run.Id, run.Attempt, "cursor", "abc"));
        await db.Jobs.ReleaseWorkerAsync("w1", "n1", "lost");
        var next = Assert.Single(await db.Jobs.ClaimAsync(run.Lane.Id, 1, "w2", "n1", TimeSpan.FromMinutes(1)));
        Assert.Equal(new Dictionary<string, string> { ["page"] = "2", ["cursor"] = "abc" }, next.Checkpoints);
        Assert.Empty(run.Checkpoints);
    }

    [Fact]
    public async Task A_stale_attempt_cannot_save_a_checkpoint()
    {
        await using var db = await CreateAsync();
        var run = await db.RunOneAsync();
        Assert.False(await db.Jobs.SaveCheckpointAsync(run.Id, run.Attempt + 1, "page", "9"));
        await db.Jobs.CompleteAsync([new Completion(run.Id, run.Attempt, null)]);
        Assert.False(await db.Jobs.SaveCheckpointAsync(run.Id, run.Attempt, "page", "9"));
        Assert.Empty((await db.Jobs.GetAsync(run.Id))!.Checkpoints);
    }

    [Fact]
    public async Task Progress_keeps_the_latest_value_per_name_and_ignores_older_attempts()
    {
        await using var db = await CreateAsync();
        var run = await db.RunOneAsync();
        await db.Jobs.SaveProgressAsync([
            new ProgressUpdate(run.Id, 1, "rows", 10, 100, null),
            new ProgressUpdate(run.Id, 1, "rows", 20, 100, "halfway-ish"),
            new ProgressUpdate(run.Id, 1, "files", 1, 2, null),
        ]);
        await db.Jobs.SaveProgressAsync([new ProgressUpdate(run.Id, 0, "rows", 99, 100, "stale")]);
        var progress = (await db.Jobs.GetAsync(run.Id))!.Progress;
        Assert.Equal(["files", "rows"], progress.Select(p => p.Name));
        Assert.Equal((20L, 100L, "halfway-ish"), (progress[1].Current, progress[1].Total, progress[1].Text));
    }

    [Fact]
    public async Task Logs_are_read_back_as_the_latest_lines_oldest_first()
    {
        await using var db = await CreateAsync();
        var run = await db.RunOneAsync();
        var at = DateTimeOffset.UtcNow;
        await db.Jobs.AppendLogsAsync(Enumerable.Range(1, 5).Select(i => new LogEntry(run.Id, 1, "info", $"line {i}", at.AddSeconds(i))).ToArray());
        var tail = await db.Jobs.ReadLogsAsync(run.Id, 3);
        Assert.Equal(["line 3", "line 4", "line 5"], tail.Select(l => l.Text));
        Assert.Equal(at.AddSeconds(5).ToUnixTimeMilliseconds(), tail[2].At.ToUnixTimeMilliseconds());
    }
}
