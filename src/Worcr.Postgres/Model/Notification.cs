namespace Worcr.Postgres;

/// <summary>
/// A NOTIFY received by <see cref="PostgresListener"/>. Channel "" with payload "reconnected" means the listener
/// lost its connection and got it back: notifications may have been missed, so reconcile from the tables.
/// </summary>
public sealed record Notification(string Channel, string Payload)
{
    public const string ReconnectedPayload = "reconnected";

    public bool IsReconnected => Channel.Length == 0 && Payload == ReconnectedPayload;
}
