using Npgsql;
using Worcr.Core.Jobs;
using Worcr.Postgres;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>Jobs and outbox rows made and read straight through the store, for webhook tests that need no node.</summary>
internal static class WebhookData
{
    public static NewJob Job(string tenant) => new(tenant, "test.echo", [], "{}", 1, 3, null, null, null, null);

    public static async Task<long> EnqueueAsync(this TestCluster cluster, string tenant) =>
        (await cluster.Database.Jobs.EnqueueAsync([Job(tenant)]))[0].Id;

    public static Task<WebhookSubscription> SubscribeAsync(this TestCluster cluster, string name, string url, string secret, string[] events, string? tenant = null, bool enabled = true) =>
        cluster.Database.Webhooks.UpsertAsync(new WebhookSubscription(name, url, secret, events, tenant, enabled));

    /// <summary>(subscription, event, job id, progress milestone or null) of every outbox row, oldest first.</summary>
    public static async Task<List<(string Subscription, string Event, string JobId, int? Milestone)>> OutboxAsync(this TestCluster cluster)
    {
        await using var command = cluster.Database.DataSource.CreateCommand(
            $"SELECT subscription, event, job->>'id', (job->'progress'->>'milestone')::int FROM \"{cluster.Schema}\".webhook_outbox ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string, string, int?)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetInt32(3)));
        return rows;
    }
}
