using Npgsql;

namespace Worcr.Postgres;

/// <summary>Sends one NOTIFY per transaction telling dispatchers how many jobs became waiting in which lanes.</summary>
internal sealed class LaneNotifier(string channel)
{
    public async Task NotifyAsync(NpgsqlConnection connection, IEnumerable<long> laneIdPerNewWaitingJob, CancellationToken ct)
    {
        var counts = laneIdPerNewWaitingJob.GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        if (counts.Count == 0) return;
        await SendAsync(connection, channel, JobsPayload.Format(counts), ct);
    }

    public static async Task SendAsync(NpgsqlConnection connection, string channel, string payload, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
        command.Parameters.AddWithValue("channel", channel);
        command.Parameters.AddWithValue("payload", payload);
        await command.ExecuteNonQueryAsync(ct);
    }
}
