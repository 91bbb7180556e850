using System.Globalization;

namespace Worcr.Cli.Bench;

/// <summary>
/// What the bench worker measured, in its own process: when each job's handler started (unix ms) and when the
/// last handler returned. Text lines, so a broken run can be read by eye: "start JOB_ID MS" and "last_completion MS"
/// (a "ready" line is allowed, since a worker reporting on stdout prints it first).
/// </summary>
internal sealed record WorkerReport(IReadOnlyList<JobStart> Starts, double? LastCompletionMs)
{
    private const string StartTag = "start";
    private const string LastCompletionTag = "last_completion";

    public double FirstStartMs => Starts.Count == 0
        ? throw new InvalidOperationException("The worker started no job.")
        : Starts.Min(start => start.UnixMs);

    public void WriteTo(TextWriter writer)
    {
        foreach (var start in Starts) writer.WriteLine($"{StartTag} {start.JobId} {Format(start.UnixMs)}");
        if (LastCompletionMs is { } last) writer.WriteLine($"{LastCompletionTag} {Format(last)}");
    }

    public static WorkerReport Parse(TextReader reader)
    {
        var starts = new List<JobStart>();
        double? last = null;
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3 && parts[0] == StartTag) starts.Add(new JobStart(parts[1], ParseMs(parts[2], lineNumber)));
            else if (parts.Length == 2 && parts[0] == LastCompletionTag) last = ParseMs(parts[1], lineNumber);
            else if (parts.Length > 0 && line.Trim() != BenchWorkerHost.ReadyLine) throw new FormatException($"Worker report line {lineNumber} is not a start or last_completion line: '{line}'.");
        }
        return new WorkerReport(starts, last);
    }

    private static string Format(double unixMs) => unixMs.ToString("F3", CultureInfo.InvariantCulture);

    private static double ParseMs(string text, int lineNumber) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"Worker report line {lineNumber}: '{text}' is not a time in unix ms.");
}

/// <summary>One handler start: the job and the worker's clock at that moment.</summary>
internal readonly record struct JobStart(string JobId, double UnixMs);
