using Worcr.Admin;
using Worcr.Cli.Commands;
using Worcr.Cli.Hosting;
using Worcr.LocalServices;
using Worcr.Server.Hosting;
using Worcr.Worker;

namespace Worcr.Cli.Dev;

/// <summary>
/// `worcr dev`: starts PostgreSQL and Redis as child processes (unless URLs were given), a node, a demo worker
/// and a trickle of demo jobs; prints where everything is; stops all of it on Ctrl-C.
/// </summary>
internal sealed class DevEnvironment
{
    private readonly DevSettings _settings;

    public DevEnvironment(DevSettings settings) => _settings = settings;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var shutdown = new ShutdownSignal();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(shutdown.Token, cancellationToken);
        await using var postgres = _settings.PostgresUrl is null ? await StartPostgresAsync(stop.Token) : null;
        await using var redis = _settings.RedisUrl is null ? await StartRedisAsync(stop.Token) : null;
        var (apiKey, workerToken, adminPassword) = DevCredentials.LoadOrCreate(Path.Combine(_settings.DataDirectory, "dev.env"));
        var options = new NodeOptions
        {
            PostgresUrl = _settings.PostgresUrl ?? postgres!.ConnectionString,
            RedisUrl = _settings.RedisUrl ?? redis!.Url,
            GrpcPort = _settings.GrpcPort,
            HttpPort = _settings.HttpPort,
            ApiKey = apiKey,
            WorkerToken = workerToken,
            AdminPassword = adminPassword,
            JobTypes = { DemoWorker.EchoType, DemoWorker.CountType },
            // The shipped example rules, limits and schedules, so a fresh dev node shows them at work.
            RulesDirectory = Directory.Exists("rules") ? Path.GetFullPath("rules") : null,
        };
        await using var node = await DispatcherNode.StartAsync(options, [new AdminModule()], cancellationToken: stop.Token);
        PrintSummary(node, postgres?.Url ?? _settings.PostgresUrl!, redis?.Url ?? _settings.RedisUrl!, apiKey, workerToken, adminPassword);
        var demo = _settings.Demo ? RunDemoAsync(node.GrpcAddress, apiKey, workerToken, stop.Token) : Task.CompletedTask;
        await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Console.WriteLine("\nStopping: demo worker, node, Redis, PostgreSQL...");
        await demo.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await node.StopAsync();
        return 0;
    }

    private Task<PostgresProcess> StartPostgresAsync(CancellationToken cancellationToken)
    {
        Console.WriteLine("Starting PostgreSQL (data in " + Path.Combine(_settings.DataDirectory, "postgres") + ")...");
        return PostgresProcess.StartAsync(new PostgresProcessOptions { DataDirectory = Path.Combine(_settings.DataDirectory, "postgres") }, cancellationToken);
    }

    private Task<RedisProcess> StartRedisAsync(CancellationToken cancellationToken)
    {
        Console.WriteLine("Starting Redis...");
        return RedisProcess.StartAsync(new RedisProcessOptions { DataDirectory = Path.Combine(_settings.DataDirectory, "redis") }, cancellationToken);
    }

    private static async Task RunDemoAsync(Uri grpcAddress, string apiKey, string workerToken, CancellationToken stoppingToken)
    {
        await using var worker = DemoWorker.Create(grpcAddress, workerToken);
        var working = worker.RunAsync(stoppingToken);
        using var client = new WorcrClient(grpcAddress, apiKey);
        await DemoJobs.TrickleAsync(client, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await working;
    }

    private static void PrintSummary(DispatcherNode node, string postgresUrl, string redisUrl, string apiKey, string workerToken, string adminPassword)
    {
        Console.WriteLine($"""

            Worcr is running.
              gRPC (workers, producers)  {node.GrpcAddress}
              HTTP (admin, health)       {node.HttpAddress}
              Admin GUI                  {node.HttpAddress}  (password {adminPassword})
              PostgreSQL                 {postgresUrl}
              Redis                      {redisUrl}
              API key                    {apiKey}
              Worker token               {workerToken}
              (all three saved in .worcr/dev.env; the CLI on this machine reads them from there)

            Try it in another terminal:
              ./worcr enqueue --type demo.echo --tenant acme --args '{"{"}"hello": "world"{"}"}'
              ./worcr job <id printed above>

            A demo worker handles demo.echo and demo.count; a demo job is enqueued every few seconds.
            Ctrl-C stops everything.

            """);
    }
}
