using System.Net;
using System.Text.Json;
using Worcr.Postgres;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Maintenance;

/// <summary>Cron schedules fired by the maintenance leader: once per tick across nodes and leader changes.</summary>
public sealed class CronScheduleTests
{
    [Fact]
    public async Task Every_tick_is_enqueued_once_across_three_nodes_and_after_the_leader_stops()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 3);
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);
        var saved = await admin.PutAsync("/api/cron/every-second", new { expression = "* * * * * *", job = new { type = "test.echo", tenant = "acme" } });
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());

        var before = await cluster.WaitForTicksAsync("every-second", ticks => ticks.Count >= 8, TimeSpan.FromSeconds(40));
        var leaderId = (await cluster.Database.Cron.GetAsync("every-second"))!.LastFiredBy!;
        var leader = cluster.Nodes.Single(n => n.NodeId == leaderId);
        await leader.StopAsync();
        var stoppedAt = (await cluster.FiredTicksAsync("every-second")).Max(t => t.Tick);
        var after = await cluster.WaitForTicksAsync("every-second", ticks => ticks.Count(t => t.Tick > stoppedAt) >= 3, TimeSpan.FromSeconds(40));
        var lastFiredBy = (await cluster.Database.Cron.GetAsync("every-second"))!.LastFiredBy;

        Assert.All(after, tick => Assert.Equal(1, tick.Rows));
        Assert.Equal(after.Count, after.Select(t => t.Tick).Distinct().Count());
        Assert.All(before, tick => Assert.Equal(1, tick.Rows));
        Assert.NotEqual(leaderId, lastFiredBy);
        Assert.Equal(after.Count, (int)await JobCountAsync(cluster));
    }

    [Fact]
    public async Task Two_leaders_racing_for_one_tick_fire_it_once()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 0);
        await cluster.Database.MigrateAsync();
        var due = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1);
        var schedule = await cluster.Database.Cron.UpsertAsync(CronData.Schedule("raced", "* * * * * *"), _ => due);
        var fire = new CronFire(schedule, due, due, due.AddSeconds(1), "racer");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => cluster.Database.Cron.FireAsync(fire, CronData.AsStored))));

        Assert.Single(outcomes, o => o.Fired);
        Assert.Single(await cluster.FiredTicksAsync("raced"));
    }

    /// <summary>
    /// A save that changes only the job keeps the next tick, so a leader that read the schedule just before still won
    /// the compare-and-set, and fired the job as it had read it.
    /// </summary>
    [Fact]
    public async Task A_tick_fired_after_a_save_enqueues_the_job_as_saved_not_as_read()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 0);
        await cluster.Database.MigrateAsync();
        var due = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1);
        var read = await cluster.Database.Cron.UpsertAsync(CronData.Schedule("edited", "* * * * * *") with { Job = new CronJobTemplate("test.echo", "acme", [], """{"v": 1}""", 1, 3) }, _ => due);
        await cluster.Database.Cron.UpsertAsync(CronData.Schedule("edited", "* * * * * *") with { Job = new CronJobTemplate("test.echo", "acme", ["edited"], """{"v": 2}""", 1, 3) }, _ => due.AddHours(1));

        var outcome = await cluster.Database.Cron.FireAsync(new CronFire(read, due, due, due.AddSeconds(1), "leader"), CronData.AsStored);

        Assert.True(outcome.Fired);
        var job = await cluster.Database.Jobs.GetAsync(outcome.JobId!.Value);
        Assert.Equal("""{"v": 2}""", job!.ArgsJson);
        Assert.Equal(["edited"], job.Tags);
    }

    [Fact]
    public async Task Missed_ticks_are_fired_once_as_the_latest_of_them()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 0);
        await cluster.Database.MigrateAsync();
        var now = DateTimeOffset.UtcNow;
        await cluster.Database.Cron.UpsertAsync(CronData.Schedule("new-year", "0 0 0 1 1 *"), _ => new DateTimeOffset(now.Year - 3, 1, 1, 0, 0, 0, TimeSpan.Zero));

        await cluster.AddNodeAsync();
        var fired = await cluster.WaitForTicksAsync("new-year", ticks => ticks.Count > 0, TimeSpan.FromSeconds(30));
        var schedule = await cluster.Database.Cron.GetAsync("new-year");

        Assert.Equal(new DateTimeOffset(now.Year, 1, 1, 0, 0, 0, TimeSpan.Zero), Assert.Single(fired).Tick);
        Assert.Equal(new DateTimeOffset(now.Year + 1, 1, 1, 0, 0, 0, TimeSpan.Zero), schedule!.NextFireAt);
        Assert.NotNull(schedule.LastJobId);
    }

    [Fact]
    public async Task Saving_a_schedule_again_with_the_same_timing_keeps_its_next_tick()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 0);
        await cluster.Database.MigrateAsync();
        var missed = DateTimeOffset.UtcNow.AddHours(-1);
        missed = DateTimeOffset.FromUnixTimeSeconds(missed.ToUnixTimeSeconds());
        await cluster.Database.Cron.UpsertAsync(CronData.Schedule("kept", "* * * * *", origin: "file"), _ => missed);

        var resaved = await cluster.Database.Cron.UpsertAsync(CronData.Schedule("kept", "* * * * *", origin: "file"), _ => DateTimeOffset.UtcNow.AddMinutes(1));
        var changed = await cluster.Database.Cron.UpsertAsync(CronData.Schedule("kept", "*/5 * * * *", origin: "file"), _ => DateTimeOffset.UtcNow.AddMinutes(5));

        Assert.Equal(missed, resaved.NextFireAt);
        Assert.NotEqual(missed, changed.NextFireAt);
    }

    [Fact]
    public async Task A_bad_expression_is_refused_with_400_naming_the_field()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);

        var response = await admin.PutAsync("/api/cron/broken", new { expression = "61 * * * *", job = new { type = "test.echo", tenant = "acme" } });
        var error = (await AdminClient.ReadAsync(response)).GetProperty("error").GetString();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'expression'", error, StringComparison.Ordinal);
        Assert.Contains("minute", error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/cron/broken")).StatusCode);
    }

    /// <summary>
    /// Definitions the checks used to let through: a zone name that is a folder of the zone database (an unhandled
    /// exception, HTTP 500), args PostgreSQL refuses (500 at the save, or a node stopped at start by schedules.json),
    /// args it would store megabytes large, a weight no producer may give. Each is refused, naming its field.
    /// </summary>
    [Fact]
    public async Task A_bad_time_zone_args_or_weight_is_refused_with_400_naming_the_field()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);
        var job = new { type = "test.echo", tenant = "acme" };
        static JsonElement Args(string json) => JsonDocument.Parse(json).RootElement;
        (string Field, object Body)[] cases =
        [
            ("'time_zone'", new { expression = "* * * * *", time_zone = "America", job }),
            ("'job.args'", new { expression = "* * * * *", job = new { job.type, job.tenant, args = Args("""{"a": "\u0000"}""") } }),
            ("'job.args'", new { expression = "* * * * *", job = new { job.type, job.tenant, args = Args("[" + string.Join(",", Enumerable.Repeat("1e130000", 20)) + "]") } }),
            ("'job.weight'", new { expression = "* * * * *", job = new { job.type, job.tenant, weight = 1e300 } }),
        ];

        foreach (var (field, body) in cases)
        {
            var response = await admin.PutAsync("/api/cron/bad", body);
            var text = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{field}: {(int)response.StatusCode} {text}");
            Assert.Contains(field, JsonDocument.Parse(text).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/cron/bad")).StatusCode);
    }

    [Fact]
    public async Task Schedules_json_is_loaded_at_start_up_with_origin_file()
    {
        using var rules = new RuleFiles().With("schedules.json", """
            [
              { "name": "nightly-report", "expression": "0 2 * * *", "time_zone": "Europe/Paris",
                "job": { "type": "test.echo", "tenant": "acme", "tags": ["report"], "args": { "kind": "daily" } } },
              { "name": "paused", "expression": "*/10 * * * * *", "enabled": false, "job": { "type": "test.echo", "tenant": "acme" } }
            ]
            """);
        await using var cluster = await TestCluster.StartAsync(configure: o => o.RulesDirectory = rules.Path);
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);

        var listed = (await admin.GetJsonAsync("/api/cron")).GetProperty("schedules").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);

        Assert.Equal(["nightly-report", "paused"], listed.Keys.Order());
        Assert.All(listed.Values, s => Assert.Equal("file", s.GetProperty("origin").GetString()));
        Assert.Equal("Europe/Paris", listed["nightly-report"].GetProperty("time_zone").GetString());
        Assert.Equal("daily", listed["nightly-report"].GetProperty("job").GetProperty("args").GetProperty("kind").GetString());
        Assert.Equal(0, listed["nightly-report"].GetProperty("next_fire_at").GetDateTimeOffset().ToOffset(TimeSpan.Zero).Minute);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, listed["paused"].GetProperty("next_fire_at").ValueKind);
    }

    /// <summary>
    /// The admin API refuses a schedule of an unknown job type; the file loaded it, and a misspelt type enqueued jobs
    /// no worker takes at every tick. The node now refuses to start, naming the schedule and the field, before any
    /// schedule of the file is stored.
    /// </summary>
    [Fact]
    public async Task Schedules_json_with_an_unknown_job_type_stops_the_start_and_stores_nothing()
    {
        using var rules = new RuleFiles().With("schedules.json", """
            [
              { "name": "fine", "expression": "* * * * *", "job": { "type": "test.echo", "tenant": "acme" } },
              { "name": "misspelt", "expression": "* * * * *", "job": { "type": "test.ecoh", "tenant": "acme" } }
            ]
            """);
        await using var cluster = await TestCluster.StartAsync(nodes: 0);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.AddNodeAsync(o => o.RulesDirectory = rules.Path));

        Assert.Contains("schedule 2 ('misspelt')", error.Message, StringComparison.Ordinal);
        Assert.Contains("'job.type': unknown job type 'test.ecoh'", error.Message, StringComparison.Ordinal);
        await using var command = cluster.Database.DataSource.CreateCommand($"SELECT count(*) FROM \"{cluster.Schema}\".cron_schedules");
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    /// <summary>
    /// A fire that fails (here: the schedule's tenant is at MaxLanesPerTenant) left the schedule at the head of the
    /// due list, tried again at every pass; a hundred of them filled the due query's batch and no other schedule
    /// fired. Failures now back the schedule off, and the admin API shows how many and why.
    /// </summary>
    [Fact]
    public async Task Schedules_whose_fire_fails_back_off_and_do_not_hold_the_others_back()
    {
        await using var cluster = await TestCluster.StartAsync(configure: o => o.MaxLanesPerTenant = 1);
        await cluster.Client().EnqueueAsync(new Protocol.V1.JobSpec { Type = "test.echo", Tenant = "capped" });
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 100; i++)
        {
            var failing = new CronJobTemplate("test.echo", "capped", [$"t{i}"], "{}", 1, 3);
            await cluster.Database.Cron.UpsertAsync(new CronScheduleDefinition($"capped-{i}", "* * * * * *", "UTC", failing, true, "api"), _ => now.AddMinutes(-1));
        }
        var fine = new CronJobTemplate("test.echo", "acme", [], "{}", 1, 3);
        await cluster.Database.Cron.UpsertAsync(new CronScheduleDefinition("fine", "* * * * * *", "UTC", fine, true, "api"), _ => now.AddSeconds(-1));

        await cluster.WaitForTicksAsync("fine", ticks => ticks.Count >= 1, TimeSpan.FromSeconds(30));

        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);
        var capped = await admin.GetJsonAsync("/api/cron/capped-0");
        Assert.True(capped.GetProperty("failures").GetInt32() >= 1, capped.ToString());
        Assert.Contains("MaxLanesPerTenant", capped.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.String, capped.GetProperty("retry_at").ValueKind);
        Assert.Null((await cluster.Database.Cron.GetAsync("capped-0"))!.LastJobId);
    }

    /// <summary>A save clears a schedule's failures: an edit is how an operator fixes what made its fires fail.</summary>
    [Fact]
    public async Task Saving_a_schedule_clears_its_failures()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 0);
        var job = new CronJobTemplate("test.echo", "acme", [], "{}", 1, 3);
        var schedule = new CronScheduleDefinition("flaky", "0 0 1 1 *", "UTC", job, true, "api");
        var due = DateTimeOffset.UtcNow.AddMinutes(-1);
        await cluster.Database.Cron.UpsertAsync(schedule, _ => due);

        await cluster.Database.Cron.RecordFailureAsync("flaky", due, "boom");
        await cluster.Database.Cron.RecordFailureAsync("flaky", due, "boom again");
        var failed = (await cluster.Database.Cron.GetAsync("flaky"))!;
        var dueWhileFailed = (await cluster.Database.Cron.DueAsync(10)).Due;
        var saved = await cluster.Database.Cron.UpsertAsync(schedule, _ => due);

        Assert.Equal((2, "boom again"), (failed.Failures, failed.LastError));
        Assert.True(failed.RetryAt > DateTimeOffset.UtcNow.AddSeconds(1), $"retry_at {failed.RetryAt:o}: the second failure in a row waits 2 s");
        Assert.Empty(dueWhileFailed);
        Assert.Equal((0, null, null), (saved.Failures, saved.LastError, saved.RetryAt));
        Assert.Equal("flaky", Assert.Single((await cluster.Database.Cron.DueAsync(10)).Due).Name);
    }

    private static async Task<long> JobCountAsync(TestCluster cluster)
    {
        await using var command = cluster.Database.DataSource.CreateCommand(
            $"SELECT (SELECT count(*) FROM \"{cluster.Schema}\".jobs) + (SELECT count(*) FROM \"{cluster.Schema}\".job_history)");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
