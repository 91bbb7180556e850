using System.CommandLine;
using System.Globalization;
using Worcr.Admin;
using Worcr.Cli.Hosting;
using Worcr.Server.Hosting;

namespace Worcr.Cli.Commands;

/// <summary>`worcr serve`: one dispatcher node against existing PostgreSQL and Redis.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var postgres = CommonOptions.Postgres();
        var redis = CommonOptions.Redis();
        var schema = CommonOptions.Schema();
        var grpcPort = CommonOptions.GrpcPort();
        var httpPort = CommonOptions.HttpPort();
        var bind = new Option<string?>("--bind") { Description = "Address to listen on (default 127.0.0.1)." };
        var apiKey = new Option<string?>("--api-key") { Description = "Producer API key (env WORCR_API_KEY)." };
        var workerToken = new Option<string?>("--worker-token") { Description = "Worker token (env WORCR_WORKER_TOKEN)." };
        var adminPassword = new Option<string?>("--admin-password") { Description = "Password of the admin GUI/API, full rights (env WORCR_ADMIN_PASSWORD)." };
        var readOnlyPassword = new Option<string?>("--read-only-password") { Description = "Password of the admin GUI/API, read-only (env WORCR_READ_ONLY_PASSWORD)." };
        var insecure = new Option<bool>("--insecure") { Description = "Accept calls without credentials (local development only)." };
        var jobTypes = new Option<string[]>("--job-type") { Description = "A job type producers may enqueue before its workers connect (repeatable).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("serve", "Run one dispatcher node. Settings come from flags, then WORCR_* and Worcr__* environment variables, then appsettings.json (section \"Worcr\").")
        {
            postgres, redis, schema, grpcPort, httpPort, bind, apiKey, workerToken, insecure, jobTypes, adminPassword, readOnlyPassword,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            // Flags win over the environment, which wins over appsettings.json (NodeConfiguration).
            var flags = new Dictionary<string, string?>
            {
                [nameof(NodeOptions.PostgresUrl)] = parse.GetValue(postgres), [nameof(NodeOptions.RedisUrl)] = parse.GetValue(redis),
                [nameof(NodeOptions.Schema)] = parse.GetValue(schema), [nameof(NodeOptions.GrpcPort)] = Text(parse.GetValue(grpcPort)),
                [nameof(NodeOptions.HttpPort)] = Text(parse.GetValue(httpPort)), [nameof(NodeOptions.BindAddress)] = parse.GetValue(bind),
                [nameof(NodeOptions.ApiKey)] = parse.GetValue(apiKey), [nameof(NodeOptions.WorkerToken)] = parse.GetValue(workerToken),
                [nameof(NodeOptions.AdminPassword)] = parse.GetValue(adminPassword), [nameof(NodeOptions.ReadOnlyPassword)] = parse.GetValue(readOnlyPassword),
                [nameof(NodeOptions.AllowUnauthenticated)] = parse.GetValue(insecure) ? "true" : null,
            };
            NodeOptions options;
            try
            {
                options = NodeConfiguration.Load(commandLine: flags);
            }
            catch (InvalidOperationException exception)
            {
                Console.Error.WriteLine("error: " + exception.Message);
                return 2;
            }
            // --job-type adds to the configured types rather than replacing them.
            foreach (var type in parse.GetValue(jobTypes) ?? []) options.JobTypes.Add(type);
            try
            {
                options.Validate();
            }
            catch (InvalidOperationException exception)
            {
                // Settings problems are the operator's to fix: say which, without a stack trace.
                Console.Error.WriteLine("error: " + exception.Message);
                return 2;
            }
            await using var node = await DispatcherNode.StartAsync(options, [new AdminModule()], cancellationToken: cancellationToken);
            Console.WriteLine($"Worcr node {node.NodeId}: gRPC {node.GrpcAddress}  HTTP {node.HttpAddress}");
            await ShutdownSignal.WaitAsync(cancellationToken);
            Console.WriteLine("Stopping: draining workers...");
            await node.StopAsync();
            return 0;
        });
        return command;
    }

    private static string? Text(int? value) => value?.ToString(CultureInfo.InvariantCulture);
}
