using System.Text.Json;
using Worcr.Core.Jobs;
using Worcr.Core.Retries;
using Worcr.Postgres;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Events;

/// <summary>Webhooks end to end: outbox rows written with the state change, delivered with retries and signatures.</summary>
public sealed class WebhookTests
{
    private const string Secret = "test-secret-0123456789";

    [Fact]
    public async Task A_receiver_that_fails_three_times_still_gets_every_event_once_with_a_valid_signature()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 3);
        await using var cluster = await TestCluster.StartAsync();
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);
        var saved = await admin.PutAsync("/api/webhooks/ops", new { url = receiver.Url, secret = Secret, events = new[] { "job.cancelled" } });
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());

        var jobIds = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = await cluster.EnqueueAsync("acme");
            await cluster.Database.Jobs.CancelAsync(id, "not needed");
            jobIds.Add(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        var accepted = await receiver.TakeAsync(3, TimeSpan.FromSeconds(60));

        Assert.All(accepted, hook => Assert.True(hook.SignatureIsValidFor(Secret), $"bad signature on delivery {hook.DeliveryId}"));
        Assert.All(accepted, hook => Assert.Equal("job.cancelled", hook.Event));
        Assert.Equal(jobIds.Order(), accepted.Select(h => JsonDocument.Parse(h.Body).RootElement.GetProperty("job").GetProperty("id").GetString()!).Order());
        Assert.Equal(accepted.Select(h => h.DeliveryId), accepted.Select(h => JsonDocument.Parse(h.Body).RootElement.GetProperty("id").GetString()!));
        var log = await WaitForDeliveriesAsync(admin, "ops", expected: 6);
        Assert.Equal(3, log.Count(d => d.GetProperty("status_code").GetInt32() == 500));
        Assert.Equal(3, log.Count(d => d.GetProperty("status_code").GetInt32() == 200));
        Assert.All(log, d => Assert.Equal("delivered", d.GetProperty("state").GetString()));
    }

    /// <summary>
    /// A receiver answering 307 steered the signed POST wherever it pointed (an internal service, a metadata
    /// endpoint), and that address's 200 counted as the delivery. Redirects are not followed: the 307 is a failed attempt.
    /// </summary>
    [Fact]
    public async Task A_redirect_is_a_failed_attempt_and_is_not_followed()
    {
        await using var inside = await WebhookReceiver.StartAsync();
        await using var steering = await WebhookReceiver.StartAsync(redirectTo: inside.Url);
        await using var cluster = await TestCluster.StartAsync();
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);
        await cluster.SubscribeAsync("steered", steering.Url, Secret, ["job.cancelled"]);

        await cluster.Database.Jobs.CancelAsync(await cluster.EnqueueAsync("acme"), "not needed");
        var log = await Eventually.ReadUntilAsync(
            async () => (await admin.GetJsonAsync("/api/webhooks/steered/deliveries")).GetProperty("deliveries").EnumerateArray().ToList(),
            log => log.Count > 0, TimeSpan.FromSeconds(30), "an attempt in the delivery log");

        var attempt = log[0];
        Assert.Equal(307, attempt.GetProperty("status_code").GetInt32());
        Assert.NotEqual("delivered", attempt.GetProperty("state").GetString());
        Assert.Contains("redirects are not followed", attempt.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(inside.AllRequests);
    }

    /// <summary>
    /// Events wait under the subscription as it was. One with no tenant, its receiver down, holds every tenant's
    /// events; repointed at tenant acme's receiver, it sent acme all of them, validly signed. Disabled, it kept
    /// sending its retries. Now a due event goes out only if the subscription as it is now still takes it.
    /// </summary>
    [Fact]
    public async Task Waiting_events_go_only_where_the_subscription_as_it_is_now_takes_them()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 0);
        await cluster.Database.MigrateAsync();
        await cluster.SubscribeAsync("ops", "http://127.0.0.1:9/everyone", Secret, ["job.cancelled"]);
        await cluster.SubscribeAsync("paused", "http://127.0.0.1:9/paused", Secret, ["job.cancelled"]);
        await cluster.Database.Jobs.CancelAsync(await cluster.EnqueueAsync("beta"), "beta's");
        await cluster.Database.Jobs.CancelAsync(await cluster.EnqueueAsync("acme"), "acme's");

        await cluster.SubscribeAsync("ops", "http://127.0.0.1:9/acme-only", Secret, ["job.cancelled"], tenant: "acme");
        await cluster.SubscribeAsync("paused", "http://127.0.0.1:9/paused", Secret, ["job.cancelled"], enabled: false);
        var claim = await cluster.Database.Webhooks.ClaimDueAsync(32, TimeSpan.FromMinutes(1), perSubscription: 8, new Dictionary<string, int>());

        Assert.Equal(4, claim.Scanned);
        var only = Assert.Single(claim.Messages);
        Assert.Equal(("ops", "http://127.0.0.1:9/acme-only"), (only.Subscription, only.Url));
        Assert.Equal("acme", JsonDocument.Parse(only.JobJson).RootElement.GetProperty("tenant").GetString());
        Assert.Equal(["failed", "pending", "pending", "pending"], await OutboxStatesAsync(cluster));
    }

    private static async Task<List<string>> OutboxStatesAsync(TestCluster cluster)
    {
        await using var command = cluster.Database.DataSource.CreateCommand(
            $"SELECT state FROM \"{cluster.Schema}\".webhook_outbox ORDER BY subscription, job->>'tenant' DESC");
        await using var reader = await command.ExecuteReaderAsync();
        var states = new List<string>();
        while (await reader.ReadAsync()) states.Add(reader.GetString(0));
        return states;
    }

    /// <summary>
    /// A receiver that never answers held every attempt sent to it for the whole timeout (10 s), and the node waited
    /// for its whole claim of 32 before claiming more: everyone's events queued behind it. Now it holds at most its own
    /// subscription's share of the slots, and the other subscription's events go through meanwhile.
    /// </summary>
    [Fact]
    public async Task A_receiver_that_never_answers_holds_its_share_of_the_slots_and_others_are_delivered_meanwhile()
    {
        await using var silent = await WebhookReceiver.StartAsync(hang: true);
        await using var fine = await WebhookReceiver.StartAsync();
        await using var cluster = await TestCluster.StartAsync(nodes: 0);
        await cluster.Database.MigrateAsync();
        await cluster.SubscribeAsync("silent", silent.Url, Secret, ["job.cancelled"]);
        await cluster.SubscribeAsync("fine", fine.Url, Secret, ["job.cancelled"]);
        for (var i = 0; i < 40; i++) await cluster.Database.Jobs.CancelAsync(await cluster.EnqueueAsync("acme"), "not needed");

        await cluster.AddNodeAsync();
        await Eventually.ReadUntilAsync(() => Task.FromResult(silent.MostHeld), held => held > 0, TimeSpan.FromSeconds(30), "an attempt held by the silent receiver");
        var delivered = await fine.TakeAsync(40, TimeSpan.FromSeconds(60));

        Assert.Equal(40, delivered.Select(d => d.DeliveryId).Distinct().Count());
        Assert.InRange(silent.MostHeld, 1, 8);
    }

    /// <summary>
    /// A claim full of rows it does not send (here a disabled subscription's, held) used to end the pass until the
    /// next poll, so every 32 such rows held newer events back by an interval. Polling once a minute here, the other
    /// subscription's event still goes out at once.
    /// </summary>
    [Fact]
    public async Task Rows_a_claim_holds_back_do_not_delay_the_events_behind_them_until_the_next_poll()
    {
        await using var fine = await WebhookReceiver.StartAsync();
        await using var cluster = await TestCluster.StartAsync(nodes: 0);
        await cluster.Database.MigrateAsync();
        await cluster.SubscribeAsync("paused", "http://127.0.0.1:9/paused", Secret, ["job.cancelled"]);
        for (var i = 0; i < 40; i++) await cluster.Database.Jobs.CancelAsync(await cluster.EnqueueAsync("acme"), "before the pause");
        await cluster.SubscribeAsync("paused", "http://127.0.0.1:9/paused", Secret, ["job.cancelled"], enabled: false);
        await cluster.SubscribeAsync("fine", fine.Url, Secret, ["job.cancelled"]);
        await cluster.Database.Jobs.CancelAsync(await cluster.EnqueueAsync("acme"), "after it");

        await cluster.AddNodeAsync(o => o.MaintenanceInterval = TimeSpan.FromMinutes(1));

        Assert.Single(await fine.TakeAsync(1, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task An_event_produced_while_no_dispatcher_runs_is_delivered_once_a_node_starts()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var cluster = await TestCluster.StartAsync(nodes: 0);
        await cluster.Database.MigrateAsync();
        await cluster.SubscribeAsync("late", receiver.Url, Secret, ["job.cancelled"]);
        var id = await cluster.EnqueueAsync("acme");
        await cluster.Database.Jobs.CancelAsync(id, "while every node was down");
        Assert.Single(await cluster.OutboxAsync());

        await cluster.AddNodeAsync();
        var delivered = (await receiver.TakeAsync(1, TimeSpan.FromSeconds(30)))[0];

        Assert.Equal("job.cancelled", delivered.Event);
        Assert.True(delivered.SignatureIsValidFor(Secret));
        Assert.Contains($"\"id\":\"{id}\"", delivered.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscriptions_get_only_their_event_types_and_tenant()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 0);
        await cluster.Database.MigrateAsync();
        const string url = "http://127.0.0.1:9/unused";
        await cluster.SubscribeAsync("t1-cancelled", url, Secret, ["job.cancelled"], tenant: "t1");
        await cluster.SubscribeAsync("any-completed", url, Secret, ["job.completed"]);
        await cluster.SubscribeAsync("any-cancelled-or-failed", url, Secret, ["job.cancelled", "job.failed"]);
        await cluster.SubscribeAsync("switched-off", url, Secret, ["job.cancelled", "job.failed"], enabled: false);

        var t1Job = await cluster.EnqueueAsync("t1");
        var t2Job = await cluster.EnqueueAsync("t2");
        await cluster.Database.Jobs.CancelAsync(t1Job, "test");
        await cluster.Database.Jobs.CancelAsync(t2Job, "test");
        var failing = await cluster.EnqueueAsync("t2");
        var lane = (await cluster.Database.Jobs.ReadBacklogAsync()).Single().Lane.Id;
        var claimed = (await cluster.Database.Jobs.ClaimAsync(lane, 1, "w", "n", TimeSpan.FromMinutes(1))).Single();
        await cluster.Database.Jobs.FailAsync(new JobFailure(failing, claimed.Attempt, "boom"), _ => FailDecision.RetryAfter(TimeSpan.FromMinutes(1)));

        var outbox = (await cluster.OutboxAsync()).Select(r => $"{r.Subscription} {r.Event} {r.JobId}").Order().ToArray();
        string[] expected =
        [
            $"any-cancelled-or-failed job.cancelled {t1Job}",
            $"any-cancelled-or-failed job.cancelled {t2Job}",
            $"any-cancelled-or-failed job.failed {failing}",
            $"t1-cancelled job.cancelled {t1Job}",
        ];
        Assert.Equal(expected.Order(), outbox);
    }

    [Fact]
    public async Task Progress_sends_one_event_per_quarter_crossed()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 0);
        await cluster.Database.MigrateAsync();
        await cluster.SubscribeAsync("progress", "http://127.0.0.1:9/unused", Secret, ["job.progress"]);
        var job = await cluster.EnqueueAsync("acme");

        foreach (var current in new[] { 10, 20, 30, 80, 100, 100 })
        {
            await cluster.Database.Jobs.SaveProgressAsync([new ProgressUpdate(job, 1, "rows", current, 100, null)]);
        }

        Assert.Equal([25, 50, 75, 100], (await cluster.OutboxAsync()).Select(r => r.Milestone!.Value));
    }

    [Fact]
    public async Task A_bad_subscription_is_refused_naming_the_field()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);

        var response = await admin.PutAsync("/api/webhooks/bad", new { url = "http://127.0.0.1:9/", secret = Secret, events = new[] { "job.exploded" } });

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'events'", (await AdminClient.ReadAsync(response)).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    /// <summary>The delivery log is written just after the receiver answers: read it until it holds every attempt.</summary>
    private static Task<List<JsonElement>> WaitForDeliveriesAsync(AdminClient admin, string name, int expected) =>
        Eventually.ReadUntilAsync(
            async () => (await admin.GetJsonAsync($"/api/webhooks/{name}/deliveries")).GetProperty("deliveries").EnumerateArray().ToList(),
            log => log.Count >= expected && log.All(d => d.GetProperty("state").GetString() == "delivered"),
            TimeSpan.FromSeconds(30), $"{expected} delivered attempts in the delivery log");
}
