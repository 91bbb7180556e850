using System.Globalization;

namespace Worcr.Cli.Bench;

/// <summary>
/// A chaos worker's record of its attempts, one line per event, flushed as it happens so the lines of a worker
/// killed with SIGKILL survive it: <c>S job attempt unix_ms resumed_step</c> when an attempt starts, <c>E job attempt
/// unix_ms</c> when it was told to stop or returned.
/// </summary>
internal sealed class ChaosEvents : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly Lock _lock = new();

    public ChaosEvents(string path) => _writer = new StreamWriter(path, append: true) { AutoFlush = true };

    public void Started(string jobId, int attempt, int resumedStep) =>
        Write(string.Create(CultureInfo.InvariantCulture, $"S {jobId} {attempt} {BenchClock.NowMs():F1} {resumedStep}"));

    public void Stopped(string jobId, int attempt) =>
        Write(string.Create(CultureInfo.InvariantCulture, $"E {jobId} {attempt} {BenchClock.NowMs():F1}"));

    private void Write(string line)
    {
        lock (_lock) _writer.WriteLine(line);
    }

    public void Dispose()
    {
        lock (_lock) _writer.Dispose();
    }
}
