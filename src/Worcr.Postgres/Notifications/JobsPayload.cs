using System.Globalization;
using System.Text;

namespace Worcr.Postgres;

/// <summary>
/// The payload of a NOTIFY on <see cref="WorcrDatabase.JobsChannel"/>: "laneId:newWaiting" pairs joined by commas
/// (e.g. "12:5,40:1"), or "reconcile" when the list would not fit in PostgreSQL's 8,000-byte payload limit
/// and listeners should re-read the backlog instead.
/// </summary>
public static class JobsPayload
{
    public const string Reconcile = "reconcile";

    // Below PostgreSQL's 8,000-byte limit with room to spare.
    internal const int MaxLength = 7_900;

    public static string Format(IEnumerable<KeyValuePair<long, int>> waitingByLane)
    {
        var text = new StringBuilder();
        foreach (var (laneId, count) in waitingByLane.OrderBy(p => p.Key))
        {
            if (text.Length > 0) text.Append(',');
            text.Append(CultureInfo.InvariantCulture, $"{laneId}:{count}");
            if (text.Length > MaxLength) return Reconcile;
        }
        return text.ToString();
    }

    /// <summary>New waiting jobs per lane id, or null when the payload asks for a reconcile (or is not understood).</summary>
    public static IReadOnlyDictionary<long, int>? Parse(string payload)
    {
        var counts = new Dictionary<long, int>();
        foreach (var pair in payload.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split(':');
            if (parts.Length != 2
                || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var laneId)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                return null;
            }
            counts[laneId] = counts.GetValueOrDefault(laneId) + count;
        }
        return counts.Count == 0 ? null : counts;
    }
}
