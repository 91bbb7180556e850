using Worcr.Worker;

namespace Worcr.Cli.Dev;

/// <summary>A trickle of demo jobs so a fresh `worcr dev` has something to show.</summary>
internal static class DemoJobs
{
    private static readonly string[] Tenants = ["acme", "globex", "initech"];

    public static async Task TrickleAsync(WorcrClient client, CancellationToken stoppingToken)
    {
        for (var i = 1; !stoppingToken.IsCancellationRequested; i++)
        {
            var tenant = Tenants[i % Tenants.Length];
            var id = i % 5 == 0
                ? await client.EnqueueAsync(DemoWorker.CountType, tenant, new { n = 10 }, ["demo"], stoppingToken)
                : await client.EnqueueAsync(DemoWorker.EchoType, tenant, new { i }, ["demo"], stoppingToken);
            Console.WriteLine($"demo: enqueued job {id} for {tenant}");
            await Task.Delay(TimeSpan.FromSeconds(3), stoppingToken);
        }
    }
}
