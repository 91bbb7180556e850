using System.Text.Json;
using Worcr.Postgres;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Server.Tests.Limits;

namespace Worcr.Server.Tests.Maintenance;

/// <summary>
/// A schedule's job goes through the enqueue policy a producer's job does. The cron store used to insert it as the
/// schedule held it: no enqueue rules, and no limit keys, so a limit on the tenant or a limit-key rule never held it.
/// </summary>
public sealed class CronEnqueuePolicyTests
{
    private const string MarkEchoes = """
        -- worcr-rule: name=mark-echoes kind=enqueue
        function on_enqueue(job)
          if job.type == 'test.echo' then return { tags = { 'marked' }, max_attempts = 9 } end
          return nil
        end
        """;

    [Fact]
    public async Task A_fired_job_gets_the_limit_keys_and_enqueue_rule_changes_of_the_same_job_enqueued_by_hand()
    {
        var perTenant = new { name = "per-tenant", kind = "concurrency", match = new { by = "tenant" }, capacity = 50 };
        using var rules = new RuleFiles().WithExample("host-limit-key.lua").With("mark-echoes.lua", MarkEchoes).With("limits.json", LimitJobs.File(perTenant));
        await using var cluster = await TestCluster.StartAsync(configure: o => o.RulesDirectory = rules.Path);
        var schedule = CronData.Schedule("calls-api", "0 * * * *") with
        {
            Job = new CronJobTemplate("test.echo", "acme", [], """{"url": "https://API.example.com/pay"}""", 1, 3),
        };
        await cluster.Database.Cron.UpsertAsync(schedule, _ => DateTimeOffset.UtcNow.AddHours(-1));

        await cluster.WaitForTicksAsync("calls-api", ticks => ticks.Count == 1, TimeSpan.FromSeconds(30));

        var (keys, tags, maxAttempts) = await FiredJobAsync(cluster, "calls-api");
        Assert.Equal(["host:api.example.com", "tenant:acme"], keys);
        Assert.Equal(["marked"], tags);
        Assert.Equal(9, maxAttempts);
    }

    /// <summary>
    /// A schedule saved without max_attempts used to store the node's DefaultMaxAttempts, so its jobs ignored the job
    /// type's setting that a producer's job without one gets. It stays unset now, and each fire resolves it as an enqueue does.
    /// </summary>
    [Fact]
    public async Task A_fired_job_without_max_attempts_gets_its_job_types_setting_as_a_producers_job_does()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);
        var typeSaved = await admin.PutAsync("/api/job-types/test.echo", new { max_attempts = 7 });
        Assert.True(typeSaved.IsSuccessStatusCode, await typeSaved.Content.ReadAsStringAsync());

        var saved = await admin.PutAsync("/api/cron/unset-attempts", new { expression = "* * * * * *", job = new { type = "test.echo", tenant = "acme" } });
        var byHand = await cluster.Client().EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme" });
        await cluster.WaitForTicksAsync("unset-attempts", ticks => ticks.Count >= 1, TimeSpan.FromSeconds(30));

        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        Assert.Equal(7, (await FiredJobAsync(cluster, "unset-attempts")).MaxAttempts);
        Assert.Equal(7, (await cluster.Client().GetAsync(byHand)).MaxAttempts);
        Assert.Equal(JsonValueKind.Null, (await AdminClient.ReadAsync(saved)).GetProperty("job").GetProperty("max_attempts").ValueKind);
    }

    private static async Task<(string[] LimitKeys, string[] Tags, int MaxAttempts)> FiredJobAsync(TestCluster cluster, string schedule)
    {
        await using var command = cluster.Database.DataSource.CreateCommand($"""
            SELECT l.limit_keys, l.tags, j.max_attempts
            FROM "{cluster.Schema}".jobs j JOIN "{cluster.Schema}".lanes l ON l.id = j.lane_id
            WHERE j.unique_key LIKE @prefix
            """);
        command.Parameters.AddWithValue("prefix", $"cron:{schedule}:%");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "the fired job is not waiting in jobs");
        return ((string[])reader[0], (string[])reader[1], reader.GetInt32(2));
    }
}
