using System.Globalization;

namespace Worcr.Postgres;

/// <summary>
/// The payload of a NOTIFY on <see cref="WorcrDatabase.CancelChannel"/> when a running job is cancelled:
/// "jobId:attempt:nodeId" (node id last, so it may itself contain colons).
/// </summary>
public sealed record CancelPayload(long JobId, int Attempt, string NodeId)
{
    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{JobId}:{Attempt}:{NodeId}");

    public static CancelPayload? Parse(string payload)
    {
        var parts = payload.Split(':', 3);
        if (parts.Length != 3
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var jobId)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var attempt))
        {
            return null;
        }
        return new CancelPayload(jobId, attempt, parts[2]);
    }
}
