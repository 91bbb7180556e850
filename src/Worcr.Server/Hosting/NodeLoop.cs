using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Worcr.Server.Hosting;

/// <summary>
/// One background loop of the node as a hosted service: it starts with the host and is told to stop when the host
/// stops. The name is what the log and <see cref="DispatcherNode.LoopsThatDidNotStop"/> say when it ignores that.
/// </summary>
/// <remarks>
/// Not a <see cref="BackgroundService"/>: since .NET 10 that hands its body to <c>Task.Run</c> with the stopping
/// token, and a host stopped before the thread pool reached the body never runs it, nor the loop's last steps with
/// it (the final flush of completions, enqueues, reports, live events). A node loop's body always runs; stopped
/// early, it finds its token cancelled and does only those last steps.
/// </remarks>
internal sealed class NodeLoop(string name, Func<CancellationToken, Task> run, ILogger logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public string Name { get; } = name;

    /// <summary>The running body; completed once the loop ended (failed loops included). Null before the start.</summary>
    public Task? ExecuteTask { get; private set; }

    /// <summary>The body runs on the thread pool, so a loop's synchronous first steps never hold up the host's start.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        ExecuteTask = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Tells the loop to stop and waits for it, up to the host's shutdown timeout (<paramref name="cancellationToken"/>).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (ExecuteTask is null) return;
        await _stopping.CancelAsync();
        await ExecuteTask.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RunAsync()
    {
        try
        {
            await run(_stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            // A failing loop ends alone; the node goes on without it (its health and metrics show what it no longer does).
            ServerLog.LoopFailed(logger, Name, exception);
        }
    }
}

internal static class NodeLoopRegistration
{
    /// <summary>Registers a loop whose body the container builds (the component that owns the loop, and its RunAsync).</summary>
    public static IServiceCollection AddNodeLoop(this IServiceCollection services, string name, Func<IServiceProvider, Func<CancellationToken, Task>> run) =>
        services.AddSingleton<IHostedService>(container => new NodeLoop(name, run(container), container.GetRequiredService<ILogger<NodeLoop>>()));
}
