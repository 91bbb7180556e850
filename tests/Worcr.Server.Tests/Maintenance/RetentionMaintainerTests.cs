using Worcr.Core.Jobs;
using Worcr.Postgres;
using Worcr.Server.Hosting;
using Worcr.Server.Maintenance;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Server.Tests.WorkerSdk;
using Worcr.Testing;
using static Worcr.Server.Tests.Maintenance.MaintenanceDatabase;

namespace Worcr.Server.Tests.Maintenance;

public sealed class RetentionMaintainerTests
{
    [Fact]
    public async Task A_month_of_history_is_cleaned_by_dropping_day_partitions_and_young_jobs_stay_with_their_reports()
    {
        await using var db = await CreateAsync();
        var clock = RetentionData.ClockAt(daysAgo: 35);
        var retention = db.Maintainer(clock); // defaults: completed 7 days, dead 30 days
        var passes = new List<RetentionPass>();
        var finished = new List<(long Id, string State, DateOnly Day)>();

        for (var day = 0; day < 35; day++)
        {
            passes.AddRange(await retention.RunUntilCaughtUpAsync());
            for (var i = 0; i < 3; i++) finished.Add((await db.FinishedAsync("completed", clock.GetUtcNow()), "completed", clock.Today()));
            for (var i = 0; i < 2; i++) finished.Add((await db.FinishedAsync("dead", clock.GetUtcNow()), "dead", clock.Today()));
            clock.Advance(TimeSpan.FromDays(1));
        }
        passes.AddRange(await retention.RunUntilCaughtUpAsync());

        var today = clock.Today();
        var kept = finished.Where(f => f.Day >= today.AddDays(f.State == "completed" ? -7 : -30)).ToList();
        Assert.Equal(7 * 3, kept.Count(f => f.State == "completed"));
        Assert.Equal(30 * 2, kept.Count(f => f.State == "dead"));
        Assert.Equal(kept.Where(f => f.State == "completed").Select(f => f.Id), await db.HistoryIdsAsync("completed"));
        Assert.Equal(kept.Where(f => f.State == "dead").Select(f => f.Id), await db.HistoryIdsAsync("dead"));
        Assert.Equal(kept.Select(f => f.Id).Order(), await db.IdsWithReportsAsync());
        Assert.Equal(kept.Count, await db.CountAsync("job_logs"));
        // Gone by dropping partitions: not one row was deleted on its own, and the old days' tables no longer exist.
        Assert.Equal(0, passes.Sum(p => p.HistoryRows));
        // Days made from 35 days ago on, per state: completed, expired and cancelled (7 days) lose 28 each, dead (30 days) 5.
        Assert.Equal(3 * (35 - 7) + (35 - 30), passes.Sum(p => p.PartitionsDropped));
        var completedDays = (await db.Retention.ListHistoryPartitionsAsync("completed")).Select(p => p.Day).ToList();
        var deadDays = (await db.Retention.ListHistoryPartitionsAsync("dead")).Select(p => p.Day).ToList();
        Assert.Equal(today.AddDays(-7), completedDays.Min());
        Assert.Equal(today.AddDays(-30), deadDays.Min());
        Assert.Contains(today.AddDays(3), completedDays); // made ahead of time
        Assert.Equal(0L, await db.CountAsync("job_history_completed_default") + await db.CountAsync("job_history_dead_default"));
    }

    [Fact]
    public async Task A_tenant_or_type_retention_overrides_the_default_and_the_longer_of_both_wins()
    {
        await using var db = await CreateAsync();
        var clock = RetentionData.ClockAt(daysAgo: 0);
        var retention = db.Maintainer(clock, options =>
        {
            options.RetentionByJobType["report"] = "completed=30d";
            options.RetentionByTenant["audit"] = "completed=20d";
            options.RetentionByTenant["brief"] = "completed=2d";
        });
        await db.Retention.AddHistoryPartitionsAsync(clock.Today().AddDays(-40), clock.Today());
        var now = clock.GetUtcNow();
        var plain = await db.FinishedAsync("completed", now.AddDays(-10));                                 // 7 days: gone
        var report = await db.FinishedAsync("completed", now.AddDays(-10), type: "report");                // 30 days: kept
        var audited = await db.FinishedAsync("completed", now.AddDays(-10), tenant: "audit");              // 20 days: kept
        var briefReport = await db.FinishedAsync("completed", now.AddDays(-10), tenant: "brief", type: "report"); // 30 beats 2: kept
        var brief = await db.FinishedAsync("completed", now.AddDays(-3), tenant: "brief");                 // 2 days: gone
        var oldAudited = await db.FinishedAsync("completed", now.AddDays(-25), tenant: "audit");           // 20 days: gone
        var oldReport = await db.FinishedAsync("completed", now.AddDays(-25), type: "report");             // 30 days: kept
        var tooOldReport = await db.FinishedAsync("completed", now.AddDays(-35), type: "report");          // its whole day is past 30 days
        var young = await db.FinishedAsync("completed", now.AddDays(-1));

        var passes = await retention.RunUntilCaughtUpAsync();

        long[] kept = [report, audited, briefReport, oldReport, young];
        Assert.Equal(kept, await db.HistoryIdsAsync("completed"));
        Assert.Equal(kept, await db.IdsWithReportsAsync());
        Assert.Equal(3, passes.Sum(p => p.HistoryRows)); // plain, brief, oldAudited: row by row, their days stay for the reports
        Assert.True(passes.Sum(p => p.PartitionsDropped) >= 1); // tooOldReport's day went whole
        Assert.DoesNotContain(tooOldReport, await db.HistoryIdsAsync("completed"));
        Assert.DoesNotContain(plain, await db.IdsWithReportsAsync());
        Assert.DoesNotContain(brief, await db.IdsWithReportsAsync());
    }

    [Fact]
    public async Task Rows_in_a_default_partition_are_deleted_one_by_one_once_past_retention()
    {
        await using var db = await CreateAsync();
        var clock = RetentionData.ClockAt(daysAgo: 0);
        var retention = db.Maintainer(clock);
        // A fresh schema has day partitions from today on only: older rows (as before partitioning) go to the default.
        var old = await db.FinishedAsync("cancelled", clock.GetUtcNow().AddDays(-20));
        var recent = await db.FinishedAsync("cancelled", clock.GetUtcNow().AddDays(-2));
        Assert.Equal(2L, await db.CountAsync("job_history_cancelled_default"));

        var passes = await retention.RunUntilCaughtUpAsync();

        Assert.Equal(1, passes.Sum(p => p.HistoryRows));
        Assert.Equal([recent], await db.HistoryIdsAsync("cancelled"));
        Assert.Equal([recent], await db.IdsWithReportsAsync());
        Assert.NotEqual(old, recent);
    }

    [Fact]
    public async Task A_partition_made_for_a_day_takes_over_the_rows_its_default_partition_holds_for_that_day()
    {
        await using var db = await CreateAsync();
        var clock = RetentionData.ClockAt(daysAgo: 0);
        var id = await db.FinishedAsync("expired", clock.GetUtcNow().AddDays(-5));
        Assert.Equal(1L, await db.CountAsync("job_history_expired_default"));

        Assert.Equal(4, (await db.Retention.AddHistoryPartitionsAsync(clock.Today().AddDays(-5), clock.Today().AddDays(-5))).Count);

        Assert.Equal(0L, await db.CountAsync("job_history_expired_default"));
        Assert.Equal([id], await db.HistoryIdsAsync("expired"));
        Assert.Equal(0, (await db.Retention.AddHistoryPartitionsAsync(clock.Today().AddDays(-5), clock.Today().AddDays(-5))).Count);
    }

    [Fact]
    public async Task Finished_webhook_events_and_their_deliveries_go_after_the_webhook_retention_and_pending_ones_stay()
    {
        await using var db = await CreateAsync();
        var clock = RetentionData.ClockAt(daysAgo: 0);
        var retention = db.Maintainer(clock, options => options.WebhookRetention = TimeSpan.FromDays(7));
        await db.ExecuteAsync("INSERT INTO __schema__.webhook_subscriptions (name, url, secret, events) VALUES ('s', 'http://127.0.0.1:9/', 'k', '{job.completed}')");
        var now = clock.GetUtcNow();
        var delivered = await OutboxAsync(db, "delivered", now.AddDays(-10), now.AddDays(-10));
        var givenUp = await OutboxAsync(db, "failed", now.AddDays(-9), now.AddDays(-8));
        var recent = await OutboxAsync(db, "delivered", now.AddDays(-1), now.AddDays(-1));
        var pending = await OutboxAsync(db, "pending", now.AddDays(-30), null);

        var passes = await retention.RunUntilCaughtUpAsync();

        Assert.Equal(2, passes.Sum(p => p.Webhooks));
        Assert.Equal([recent, pending], await IdsAsync(db, "SELECT id FROM __schema__.webhook_outbox ORDER BY id"));
        Assert.Equal([recent, recent, pending, pending], await IdsAsync(db, "SELECT outbox_id FROM __schema__.webhook_deliveries ORDER BY outbox_id"));
        Assert.NotEqual(delivered, givenUp);
    }

    [Fact]
    public async Task A_lane_goes_only_when_idle_for_the_retention_and_no_job_live_or_finished_refers_to_it()
    {
        await using var db = await CreateAsync();
        var clock = RetentionData.ClockAt(daysAgo: 0);
        var retention = db.Maintainer(clock, options => options.IdleLaneRetention = TimeSpan.FromDays(7));
        var live = await LaneOfNewJobAsync(db, "live", keepJob: true);
        var finished = await LaneOfNewJobAsync(db, "finished", keepJob: false);
        var idle = await LaneOfNewJobAsync(db, "idle", keepJob: false);
        var recent = await LaneOfNewJobAsync(db, "recent", keepJob: false);
        await db.FinishedAsync("completed", clock.GetUtcNow().AddDays(-1), laneId: finished);
        await db.ExecuteAsync($"UPDATE __schema__.lanes SET last_used_at = now() - interval '8 days' WHERE id IN ({live}, {finished}, {idle})");

        var passes = await retention.RunUntilCaughtUpAsync();

        Assert.Equal(1, passes.Sum(p => p.Lanes));
        Assert.Equal(new[] { live, finished, recent }.Order(), await IdsAsync(db, "SELECT id FROM __schema__.lanes ORDER BY id"));
    }

    [Fact]
    public async Task A_leader_whose_clock_runs_days_ahead_of_PostgreSQL_deletes_no_finished_job_and_no_lane_before_its_retention()
    {
        await using var db = await CreateAsync();
        // PostgreSQL stamped every row (finished_at, last_used_at); the leader's own clock is 8 days ahead of it.
        var retention = db.Maintainer(new SkewedClock(TimeSpan.FromDays(8))); // defaults: completed and idle lanes 7 days
        var yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
        await db.Retention.AddHistoryPartitionsAsync(yesterday, yesterday);
        var lane = await LaneOfNewJobAsync(db, "today", keepJob: false);
        var inDayPartition = await db.FinishedAsync("completed", DateTimeOffset.UtcNow.AddDays(-1), laneId: lane);
        var inDefaultPartition = await db.FinishedAsync("completed", DateTimeOffset.UtcNow.AddDays(-2), laneId: lane);

        await retention.RunUntilCaughtUpAsync();

        Assert.Equal([inDayPartition, inDefaultPartition], await db.HistoryIdsAsync("completed"));
        Assert.Equal([inDayPartition, inDefaultPartition], await db.IdsWithReportsAsync());
        // This node still remembers the lane's id and enqueues into it: had the lane gone, the job would sit in a lane
        // no dispatcher can read, never dispatched, holding any unique key it had.
        var next = await db.EnqueueAsync(new NewJob("acme", "email", ["today"], "{}", 1, 3, null, null, null, null));
        Assert.Equal(lane, await db.LaneIdAsync(next));
        Assert.Equal([lane], await IdsAsync(db, $"SELECT id FROM __schema__.lanes WHERE id = {lane}"));
    }

    [Fact]
    public async Task A_node_that_looks_a_lane_up_again_marks_it_used_so_it_is_not_idle()
    {
        await using var db = await CreateAsync();
        var lane = await LaneOfNewJobAsync(db, "busy", keepJob: false);
        await db.ExecuteAsync($"UPDATE __schema__.lanes SET last_used_at = now() - interval '8 days' WHERE id = {lane}");

        // Another node (its own lane cache, empty) enqueues into the same lane.
        await using (var other = WorcrDatabase.Create(await Testing.TestServices.PostgresAsync(), db.Schema))
        {
            await other.Jobs.EnqueueAsync([new NewJob("acme", "email", ["busy"], "{}", 1, 3, null, null, null, null)]);
        }

        Assert.True((bool)(await db.ScalarAsync($"SELECT last_used_at > now() - interval '1 minute' FROM __schema__.lanes WHERE id = {lane}"))!);
    }

    [Fact]
    public async Task Old_rule_versions_beyond_the_kept_number_are_deleted_and_the_current_one_stays()
    {
        await using var db = await CreateAsync();
        var retention = db.Maintainer(RetentionData.ClockAt(daysAgo: 0), options => options.RuleVersionsKept = 5);
        await db.ExecuteAsync("""
            INSERT INTO __schema__.rule_versions (name, version, kind, language, code, rule_order, enabled)
            SELECT 'busy', v, 'weight', 'lua', 'return 1', 0, true FROM generate_series(1, 30) v
            UNION ALL SELECT 'calm', v, 'weight', 'lua', 'return 1', 0, true FROM generate_series(1, 3) v
            """);

        var passes = await retention.RunUntilCaughtUpAsync();

        Assert.Equal(24, passes.Sum(p => p.RuleVersions));
        Assert.Equal(Enumerable.Range(25, 6).Select(v => (long)v), await IdsAsync(db, "SELECT version FROM __schema__.rule_versions WHERE name = 'busy' ORDER BY version"));
        Assert.Equal(3L, (long)(await db.ScalarAsync("SELECT count(*) FROM __schema__.rule_versions WHERE name = 'calm'"))!);
    }

    [Fact]
    public async Task Between_intervals_the_leader_pass_skips_retention_and_runs_it_again_once_the_interval_passed()
    {
        await using var db = await CreateAsync();
        var clock = RetentionData.ClockAt(daysAgo: 0);
        var retention = db.Maintainer(clock, options => options.RetentionInterval = TimeSpan.FromMinutes(1));
        await retention.RunOnceAsync(fencingToken: 1, CancellationToken.None);
        await db.FinishedAsync("cancelled", clock.GetUtcNow().AddDays(-20)); // a default partition row, past retention

        await retention.RunOnceAsync(fencingToken: 1, CancellationToken.None);
        Assert.Single(await db.HistoryIdsAsync("cancelled"));

        clock.Advance(TimeSpan.FromMinutes(1));
        await retention.RunOnceAsync(fencingToken: 1, CancellationToken.None);
        Assert.Empty(await db.HistoryIdsAsync("cancelled"));
    }

    [Fact]
    public async Task A_wall_clock_stepped_back_an_hour_does_not_put_the_next_pass_an_hour_off()
    {
        await using var db = await CreateAsync();
        var clock = new SteppedClock(DateTimeOffset.UtcNow);
        var retention = db.Maintainer(clock, options => options.RetentionInterval = TimeSpan.FromMinutes(1));
        await retention.RunOnceAsync(fencingToken: 1, CancellationToken.None);
        var expired = await db.FinishedAsync("cancelled", clock.GetUtcNow().AddDays(-20)); // a default partition row, past retention

        clock.StepWallBack(TimeSpan.FromHours(1));
        clock.Pass(TimeSpan.FromMinutes(1));
        await retention.RunOnceAsync(fencingToken: 1, CancellationToken.None);

        // Before, the pass waited for "last pass + interval" on the wall clock: an hour and a minute away.
        Assert.DoesNotContain(expired, await db.HistoryIdsAsync("cancelled"));
    }

    [Fact]
    public async Task A_partition_change_that_gave_way_is_tried_again_after_the_interval_even_when_the_wall_clock_went_back()
    {
        await using var db = await CreateAsync();
        var clock = new SteppedClock(DateTimeOffset.UtcNow);
        var retention = db.Maintainer(clock);
        await db.Retention.AddHistoryPartitionsAsync(clock.Today().AddDays(-40), clock.Today().AddDays(-40));
        var old = $"job_history_completed_{clock.Today().AddDays(-40):yyyyMMdd}";
        await using (await db.LongReaderOfHistoryAsync())
            Assert.Equal(old, (await retention.RunPassAsync(CancellationToken.None)).PartitionGaveWayAt);

        clock.StepWallBack(TimeSpan.FromHours(1));
        clock.Pass(new RetentionOptions().RetentionInterval);
        await retention.RunPassAsync(CancellationToken.None);

        Assert.DoesNotContain(old, await db.HistoryPartitionNamesAsync());
    }

    [Fact]
    public async Task Small_batches_leave_the_rest_for_the_next_passes_which_follow_without_waiting_for_the_interval()
    {
        await using var db = await CreateAsync();
        var clock = RetentionData.ClockAt(daysAgo: 0);
        var retention = db.Maintainer(clock, options => options.RetentionBatchSize = 2);
        for (var i = 0; i < 5; i++) await db.FinishedAsync("cancelled", clock.GetUtcNow().AddDays(-20));

        var first = await retention.RunPassAsync(CancellationToken.None);
        Assert.Equal(2, first.HistoryRows);
        Assert.True(first.Behind);
        await retention.RunOnceAsync(fencingToken: 1, CancellationToken.None); // same instant: runs because it is behind
        await retention.RunOnceAsync(fencingToken: 1, CancellationToken.None);

        Assert.Empty(await db.HistoryIdsAsync("cancelled"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)] // the leader's clock a day ahead of PostgreSQL's: retention's time stands still, its pause must not
    public async Task A_partition_drop_that_gave_way_to_a_long_reader_is_not_behind_and_is_tried_again_after_the_interval(int daysAgo)
    {
        await using var db = await CreateAsync();
        var clock = RetentionData.ClockAt(daysAgo);
        var logs = new CapturingLoggerProvider();
        var retention = db.Maintainer(clock, logs);
        await db.Retention.AddHistoryPartitionsAsync(clock.Today().AddDays(-40), clock.Today().AddDays(-40));
        var old = $"job_history_completed_{clock.Today().AddDays(-40):yyyyMMdd}";
        var reader = await db.LongReaderOfHistoryAsync();

        var first = await retention.RunPassAsync(CancellationToken.None);

        Assert.Equal((0, false, old), (first.PartitionsDropped, first.Behind, first.PartitionGaveWayAt));
        await reader.DisposeAsync();
        var withinInterval = await retention.RunPassAsync(CancellationToken.None); // the reader is gone: the pause holds anyway
        Assert.Equal((0, null), (withinInterval.PartitionsDropped, withinInterval.PartitionGaveWayAt));
        Assert.Contains(old, await db.HistoryPartitionNamesAsync());
        var gaveWay = Assert.Single(logs.Lines, line => line.EventId.Id == 3016);
        Assert.Contains($"drop of job_history partition {old}", gaveWay.Message, StringComparison.Ordinal);

        clock.Advance(new RetentionOptions().RetentionInterval);
        await retention.RunOnceAsync(fencingToken: 1, CancellationToken.None);
        Assert.DoesNotContain(old, await db.HistoryPartitionNamesAsync());
    }

    [Fact]
    public async Task A_partition_add_that_gave_way_to_a_long_reader_lets_the_rest_of_the_pass_run_and_is_made_after_the_interval()
    {
        await using var db = await CreateAsync();
        var clock = RetentionData.ClockAt(daysAgo: 0);
        var logs = new CapturingLoggerProvider();
        var retention = db.Maintainer(clock, logs, options => options.HistoryDaysAhead = 5); // the migration made 3 days ahead
        var expired = await db.FinishedAsync("cancelled", clock.GetUtcNow().AddDays(-20)); // a default partition row past retention
        var ahead = $"job_history_completed_{clock.Today().AddDays(4):yyyyMMdd}";
        var reader = await db.LongReaderOfHistoryAsync();

        // Before, the add waited for the reader with no timeout, and every later read of job_history behind it.
        var first = await retention.RunPassAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal((0, 1, false, ahead), (first.PartitionsAdded, first.HistoryRows, first.Behind, first.PartitionGaveWayAt));
        Assert.DoesNotContain(expired, await db.HistoryIdsAsync("cancelled"));
        await reader.DisposeAsync();
        Assert.Equal(0, (await retention.RunPassAsync(CancellationToken.None)).PartitionsAdded); // paused for the interval
        Assert.DoesNotContain(ahead, await db.HistoryPartitionNamesAsync());
        Assert.Single(logs.Lines, line => line.EventId.Id == 3016);

        clock.Advance(new RetentionOptions().RetentionInterval);
        await retention.RunOnceAsync(fencingToken: 1, CancellationToken.None);
        Assert.Contains(ahead, await db.HistoryPartitionNamesAsync());
        Assert.Contains($"job_history_cancelled_{clock.Today().AddDays(5):yyyyMMdd}", await db.HistoryPartitionNamesAsync());
    }

    private static async Task<long> OutboxAsync(WorcrDatabase db, string state, DateTimeOffset createdAt, DateTimeOffset? finishedAt)
    {
        var id = (long)(await db.ScalarAsync("""
            INSERT INTO __schema__.webhook_outbox (subscription, event, job, created_at, state, attempts, finished_at)
            VALUES ('s', 'job.completed', '{}', @created, @state, 2, @finished) RETURNING id
            """, ("created", createdAt), ("state", state), ("finished", (object?)finishedAt ?? DBNull.Value)))!;
        await db.ExecuteAsync($"""
            INSERT INTO __schema__.webhook_deliveries (outbox_id, subscription, attempt, status_code, duration_ms)
            VALUES ({id}, 's', 1, 500, 3), ({id}, 's', 2, 200, 3)
            """);
        return id;
    }

    /// <summary>Enqueues a job tagged <paramref name="tag"/> (a lane of its own) and returns the lane; the job is deleted unless kept.</summary>
    private static async Task<long> LaneOfNewJobAsync(WorcrDatabase db, string tag, bool keepJob)
    {
        var id = (await db.Jobs.EnqueueAsync([new NewJob("acme", "email", [tag], "{}", 1, 3, null, null, null, null)]))[0].Id;
        var lane = await db.LaneIdAsync(id);
        if (!keepJob) await db.ExecuteAsync($"DELETE FROM __schema__.jobs WHERE id = {id}");
        return lane;
    }

    private static async Task<long[]> IdsAsync(WorcrDatabase db, string sql)
    {
        var ids = new List<long>();
        await using var command = db.DataSource.CreateCommand(sql.Replace("__schema__", $"\"{db.Schema}\"", StringComparison.Ordinal));
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        return ids.ToArray();
    }
}
