using System.Text.Json.Nodes;
using Worcr.Protocol.V1;
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
            var job = i % 5 == 0
                ? new JobSpec { Type = DemoWorker.CountType, Tenant = tenant, ArgsJson = new JsonObject { ["n"] = 10 }.ToJsonString() }
                : new JobSpec { Type = DemoWorker.EchoType, Tenant = tenant, ArgsJson = new JsonObject { ["i"] = i }.ToJsonString() };
            job.Tags.Add("demo");
            var id = await client.EnqueueAsync(job, stoppingToken);
            Console.WriteLine($"demo: enqueued job {id} for {tenant}");
            await Task.Delay(TimeSpan.FromSeconds(3), stoppingToken);
        }
    }
}
