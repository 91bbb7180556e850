namespace Worcr.Postgres.Tests;

/// <summary>
/// Listens on a database's channels. To collect "everything sent so far" without sleeping, it sends a sentinel
/// NOTIFY and reads until the sentinel arrives: notifications are delivered in commit order.
/// </summary>
internal sealed class NotificationProbe : IAsyncDisposable
{
    private const string Sentinel = "sentinel";
    private readonly WorcrDatabase _db;
    private readonly PostgresListener _listener;

    private NotificationProbe(WorcrDatabase db, PostgresListener listener)
    {
        _db = db;
        _listener = listener;
    }

    public static async Task<NotificationProbe> StartAsync(WorcrDatabase db) =>
        new(db, await PostgresListener.StartAsync(db.DataSource, [db.JobsChannel, db.CancelChannel]));

    public async Task<IReadOnlyList<Notification>> DrainAsync()
    {
        await _db.NotifyAsync(_db.JobsChannel, Sentinel);
        var received = new List<Notification>();
        var ct = TestDatabase.Timeout();
        while (true)
        {
            var notification = await _listener.Notifications.ReadAsync(ct);
            if (notification.Payload == Sentinel) return received;
            received.Add(notification);
        }
    }

    public ValueTask DisposeAsync() => _listener.DisposeAsync();
}
