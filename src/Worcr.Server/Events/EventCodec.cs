using Worcr.Protocol.V1;

namespace Worcr.Server.Events;

/// <summary>Turns a batch of events into a pub/sub payload and back: base64 of a <see cref="JobEventBatch"/>.</summary>
internal static class EventCodec
{
    public static string Encode(ReadOnlySpan<TenantEvent> events)
    {
        var batch = new JobEventBatch();
        foreach (var (tenant, jobEvent) in events)
        {
            batch.Events.Add(jobEvent);
            batch.Tenants.Add(tenant);
        }
        return Convert.ToBase64String(Google.Protobuf.MessageExtensions.ToByteArray(batch));
    }

    /// <summary>The events of a payload; throws <see cref="FormatException"/> or a protobuf exception when it is not one.</summary>
    public static IReadOnlyList<TenantEvent> Decode(string payload)
    {
        var batch = JobEventBatch.Parser.ParseFrom(Convert.FromBase64String(payload));
        var events = new List<TenantEvent>(batch.Events.Count);
        for (var i = 0; i < batch.Events.Count; i++) events.Add(new TenantEvent(i < batch.Tenants.Count ? batch.Tenants[i] : "", batch.Events[i]));
        return events;
    }
}
