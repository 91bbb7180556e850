using Worcr.Worker;

namespace Worcr.Server.Tests.WorkerSdk;

/// <summary>
/// A host stopping while its worker starts disposes the worker beside a <see cref="WorcrWorker.RunAsync"/> that is just
/// beginning. DisposeAsync used to read "not started", then dispose its cancellation source; a RunAsync that marked itself
/// started in between linked to that disposed source and threw ObjectDisposedException (and the DisposeAsync had not
/// waited for it). Whichever of the two now comes first decides in one atomic step, so there are two orders, each
/// driven here by calling them in that order; no worker connects, so no node is needed.
/// </summary>
public sealed class DisposeRaceTests
{
    [Fact]
    public async Task A_run_that_starts_after_the_worker_was_disposed_returns_without_connecting()
    {
        var worker = NewWorker();

        await worker.DisposeAsync();
        await worker.RunAsync(CancellationToken.None);

        Assert.True(worker.Connected.IsCanceled, "Connected should end cancelled: the worker never connected");
    }

    [Fact]
    public async Task Disposing_a_worker_twice_is_harmless()
    {
        var worker = NewWorker();

        // The application's own await using, and the host's container disposing the same singleton.
        await worker.DisposeAsync();
        await worker.DisposeAsync();

        Assert.True(worker.Connected.IsCanceled, "Connected should end cancelled: the worker never connected");
    }

    [Fact]
    public async Task A_worker_whose_run_was_refused_for_want_of_handlers_is_disposed_at_once()
    {
        var worker = new WorcrWorker(new WorkerOptions { Address = new Uri("http://127.0.0.1:1"), WorkerId = "no-handlers" });

        await Assert.ThrowsAsync<InvalidOperationException>(() => worker.RunAsync(CancellationToken.None));
        await worker.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(worker.Connected.IsCanceled, "Connected should end cancelled: the worker never connected");
    }

    private static WorcrWorker NewWorker() =>
        new WorcrWorker(new WorkerOptions { Address = new Uri("http://127.0.0.1:1"), WorkerId = "dispose-race" })
            .Handle("t", _ => Task.FromResult(JobResult.Complete()));
}
