using System.Globalization;

namespace Worcr.Cli.Bench;

/// <summary>
/// What the bench worker measured, in its own process: when each job's handler started (unix ms, with the job's
/// tenant) and when the last handler returned; a flooding worker reports its flood instead. Text lines, so a broken
/// run can be read by eye: "start JOB_ID MS [TENANT]", "last_completion MS" and "flood START_MS END_MS UPDATES"
/// (a "ready" line is allowed, since a worker reporting on stdout prints it first).
/// </summary>
internal sealed record WorkerReport(IReadOnlyList<JobStart> Starts, double? LastCompletionMs, FloodSpan? Flood = null)
{
    private const string StartTag = "start";
    private const string LastCompletionTag = "last_completion";
    private const string FloodTag = "flood";

    public double FirstStartMs => Starts.Count == 0
        ? throw new InvalidOperationException("The worker started no job.")
        : Starts.Min(start => start.UnixMs);

    public void WriteTo(TextWriter writer)
    {
        foreach (var start in Starts) writer.WriteLine(start.Tenant is null ? $"{StartTag} {start.JobId} {Format(start.UnixMs)}" : $"{StartTag} {start.JobId} {Format(start.UnixMs)} {start.Tenant}");
        if (LastCompletionMs is { } last) writer.WriteLine($"{LastCompletionTag} {Format(last)}");
        if (Flood is { } flood) writer.WriteLine($"{FloodTag} {Format(flood.StartMs)} {Format(flood.EndMs)} {flood.Updates.ToString(CultureInfo.InvariantCulture)}");
    }

    public static WorkerReport Parse(TextReader reader)
    {
        var starts = new List<JobStart>();
        double? last = null;
        FloodSpan? flood = null;
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length is 3 or 4 && parts[0] == StartTag) starts.Add(new JobStart(parts[1], ParseMs(parts[2], lineNumber), parts.Length == 4 ? parts[3] : null));
            else if (parts.Length == 2 && parts[0] == LastCompletionTag) last = ParseMs(parts[1], lineNumber);
            else if (parts.Length == 4 && parts[0] == FloodTag && int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var updates))
            {
                flood = new FloodSpan(ParseMs(parts[1], lineNumber), ParseMs(parts[2], lineNumber), updates);
            }
            else if (parts.Length > 0 && line.Trim() is not (BenchWorkerHost.ReadyLine or BenchWorkerHost.HandledLine)) throw new FormatException($"Worker report line {lineNumber} is not a start or last_completion line: '{line}'.");
        }
        return new WorkerReport(starts, last, flood);
    }

    private static string Format(double unixMs) => unixMs.ToString("F3", CultureInfo.InvariantCulture);

    private static double ParseMs(string text, int lineNumber) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"Worker report line {lineNumber}: '{text}' is not a time in unix ms.");
}

/// <summary>One handler start: the job, the worker's clock at that moment, and the job's tenant when recorded.</summary>
internal readonly record struct JobStart(string JobId, double UnixMs, string? Tenant = null);

/// <summary>A flooding worker's run: when it sent its first and last progress update, and how many it sent.</summary>
internal readonly record struct FloodSpan(double StartMs, double EndMs, int Updates);
