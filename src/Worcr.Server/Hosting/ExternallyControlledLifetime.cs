using Microsoft.Extensions.Hosting;

namespace Worcr.Server.Hosting;

/// <summary>
/// Replaces ASP.NET Core's console lifetime, which would stop the web host on Ctrl-C by itself. The node is
/// stopped by its owner through <see cref="DispatcherNode.StopAsync"/>, which drains workers first.
/// </summary>
internal sealed class ExternallyControlledLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
