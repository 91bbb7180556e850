using Worcr.Worker;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>An SDK worker running in the background of a test; stopping it is a graceful shutdown.</summary>
internal sealed class RunningWorker : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    public RunningWorker(WorcrWorker worker)
    {
        Worker = worker;
        Run = worker.RunAsync(_stop.Token);
    }

    public WorcrWorker Worker { get; }

    public Task Run { get; }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Worker.DisposeAsync();
        _stop.Dispose();
    }
}
