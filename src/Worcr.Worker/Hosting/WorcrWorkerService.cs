using Microsoft.Extensions.Hosting;

namespace Worcr.Worker.Hosting;

/// <summary>
/// Runs the container's <see cref="WorcrWorker"/> for the life of the host. Stopping the host is the worker's
/// graceful leave; a refusal reconnecting cannot fix ends <see cref="ExecuteAsync"/> with its error, which stops the
/// host (the Generic Host's default for a failed background service).
/// </summary>
internal sealed class WorcrWorkerService(WorcrWorker worker) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => worker.RunAsync(stoppingToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // A host stopped before the thread pool reached ExecuteAsync never runs it (BackgroundService hands it to
        // Task.Run with the stopping token): the worker never connected, and whoever awaits Connected must hear so.
        worker.NeverRan();
    }
}
