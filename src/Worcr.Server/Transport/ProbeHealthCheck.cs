using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Worcr.Server.Transport;

/// <summary>Healthy when the probe completes; unhealthy, with the reason, when it throws or times out.</summary>
internal sealed class ProbeHealthCheck(Func<CancellationToken, Task> probe) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await probe(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy(exception.Message, exception);
        }
    }
}
