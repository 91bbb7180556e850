using System.Collections.Concurrent;

namespace Worcr.Server.Telemetry;

/// <summary>
/// Keeps the values of one metric label bounded. Every distinct label value is a separate time series in
/// Prometheus, and job types and tenants are chosen by producers, so an unbounded label could grow a node's memory
/// and the monitoring system's storage without end. The first <see cref="Limit"/> distinct values seen keep their
/// own label value for the life of the node; every later value is reported as <see cref="Other"/>. Lookups of a
/// known value take no lock and allocate nothing.
/// </summary>
internal sealed class LabelBound
{
    /// <summary>The label value of everything past the limit.</summary>
    public const string Other = "other";

    private readonly ConcurrentDictionary<string, string> _admitted = new(StringComparer.Ordinal);
    private readonly Lock _admit = new();

    public LabelBound(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        Limit = limit;
    }

    /// <summary>How many distinct values get their own label value.</summary>
    public int Limit { get; }

    /// <summary>The values admitted so far.</summary>
    public int Count => _admitted.Count;

    /// <summary>The label value for <paramref name="value"/>: itself while there is room or once admitted, else <see cref="Other"/>.</summary>
    public string Of(string value) => _admitted.TryGetValue(value, out var known) ? known : Admit(value);

    private string Admit(string value)
    {
        lock (_admit)
        {
            if (_admitted.TryGetValue(value, out var known)) return known;
            if (_admitted.Count >= Limit) return Other;
            _admitted[value] = value;
            return value;
        }
    }
}
