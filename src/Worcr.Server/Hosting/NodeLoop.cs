using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Worcr.Server.Hosting;

/// <summary>
/// One background loop of the node as a hosted service: it starts with the host and is told to stop when the host
/// stops. The name is what the log and <see cref="DispatcherNode.LoopsThatDidNotStop"/> say when it ignores that.
/// </summary>
internal sealed class NodeLoop(string name, Func<CancellationToken, Task> run) : BackgroundService
{
    public string Name { get; } = name;

    /// <summary>The loop runs on the thread pool, so a loop's synchronous first steps never hold up the host's start.</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() => run(stoppingToken), CancellationToken.None);
}

internal static class NodeLoopRegistration
{
    /// <summary>Registers a loop whose body the container builds (the component that owns the loop, and its RunAsync).</summary>
    public static IServiceCollection AddNodeLoop(this IServiceCollection services, string name, Func<IServiceProvider, Func<CancellationToken, Task>> run) =>
        services.AddSingleton<IHostedService>(container => new NodeLoop(name, run(container)));
}
