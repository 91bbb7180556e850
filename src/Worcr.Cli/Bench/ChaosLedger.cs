using System.Globalization;

namespace Worcr.Cli.Bench;

/// <summary>
/// What the chaos workers recorded, read back after a run: every attempt's start and end (an attempt of a killed
/// worker ends when it was killed; one still open at the end of the run ends then). From these: jobs that had two
/// attempts running at once, and the most attempts running at once beyond the limit's capacity.
/// </summary>
internal sealed class ChaosLedger
{
    private readonly List<(string Job, int Attempt, double Start, double End, bool Resumed)> _attempts = [];

    public static ChaosLedger Read(IEnumerable<ChaosWorkerProcess> workers, double runEndMs) =>
        Read(workers.Select(worker => (worker.EventsPath, worker.KilledAtMs ?? runEndMs)));

    /// <summary>From events files, each with the moment its open attempts count as ended (the worker's kill, or the run's end).</summary>
    public static ChaosLedger Read(IEnumerable<(string Path, double OpenEndMs)> files)
    {
        var ledger = new ChaosLedger();
        foreach (var (path, openEndMs) in files) ledger.Add(path, openEndMs);
        return ledger;
    }

    public int Starts => _attempts.Count;

    public int Resumed => _attempts.Count(a => a.Resumed);

    /// <summary>Jobs with two attempts whose running times overlap (each attempt counts from its start until it was told to stop).</summary>
    public int ConcurrentDuplicates() => _attempts.GroupBy(a => a.Job).Count(job =>
    {
        var ordered = job.OrderBy(a => a.Start).ToList();
        var end = double.MinValue;
        foreach (var attempt in ordered)
        {
            if (attempt.Start < end) return true;
            end = Math.Max(end, attempt.End);
        }
        return false;
    });

    /// <summary>The most attempts running at once minus <paramref name="capacity"/>, or 0 when the limit always held.</summary>
    public int MaxOverLimit(int capacity)
    {
        // Ends sort before starts at the same moment: an attempt that ended as another began did not overlap it.
        var changes = _attempts.SelectMany(a => new[] { (At: a.Start, Delta: 1), (At: a.End, Delta: -1) }).OrderBy(c => c.At).ThenBy(c => c.Delta);
        int running = 0, peak = 0;
        foreach (var (_, delta) in changes) peak = Math.Max(peak, running += delta);
        return Math.Max(0, peak - capacity);
    }

    /// <summary>The first start at or after <paramref name="afterMs"/>, or null when none came.</summary>
    public double? FirstStartAfter(double afterMs) => _attempts.Where(a => a.Start >= afterMs).Select(a => (double?)a.Start).Min();

    private void Add(string path, double openEndMs)
    {
        if (!File.Exists(path)) return;
        var starts = new Dictionary<(string, int), (double At, bool Resumed)>();
        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split(' ');
            // A line cut short by a SIGKILL is ignored.
            if (parts.Length < 4 || !double.TryParse(parts[3], CultureInfo.InvariantCulture, out var at)) continue;
            var key = (parts[1], int.Parse(parts[2], CultureInfo.InvariantCulture));
            if (parts[0] == "S" && parts.Length == 5) starts[key] = (at, parts[4] != "0");
            else if (parts[0] == "E" && starts.Remove(key, out var start)) _attempts.Add((key.Item1, key.Item2, start.At, at, start.Resumed));
        }
        foreach (var ((job, attempt), start) in starts) _attempts.Add((job, attempt, start.At, Math.Max(start.At, openEndMs), start.Resumed));
    }
}
