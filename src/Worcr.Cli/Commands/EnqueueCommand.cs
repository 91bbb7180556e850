using System.CommandLine;
using Worcr.Protocol.V1;
using Worcr.Worker;

namespace Worcr.Cli.Commands;

/// <summary>`worcr enqueue`: enqueue one job and print its id.</summary>
internal static class EnqueueCommand
{
    public static Command Create()
    {
        var type = new Option<string>("--type") { Description = "Job type, e.g. demo.echo.", Required = true };
        var tenant = new Option<string>("--tenant") { Description = "Tenant the job belongs to.", DefaultValueFactory = _ => "default" };
        var tags = new Option<string?>("--tags") { Description = "Comma-separated tags, e.g. premium,email." };
        var argsJson = new Option<string?>("--args") { Description = "Arguments as JSON, e.g. '{\"n\": 3}'." };
        var weight = new Option<double?>("--weight") { Description = "Base weight (default 1)." };
        var maxAttempts = new Option<int?>("--max-attempts") { Description = "Attempts before the job is dead (default: the node's)." };
        var uniqueKey = new Option<string?>("--unique-key") { Description = "Returns the existing job's id while a job with this key is unfinished." };
        var server = CommonOptions.Server();
        var apiKey = CommonOptions.ApiKey();
        var command = new Command("enqueue", "Enqueue a job and print its id.") { type, tenant, tags, argsJson, weight, maxAttempts, uniqueKey, server, apiKey };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var spec = new JobSpec
            {
                Type = parse.GetValue(type)!,
                Tenant = parse.GetValue(tenant)!,
                ArgsJson = parse.GetValue(argsJson) ?? "",
                Weight = parse.GetValue(weight) ?? 0,
                MaxAttempts = parse.GetValue(maxAttempts) ?? 0,
                UniqueKey = parse.GetValue(uniqueKey) ?? "",
            };
            spec.Tags.AddRange((parse.GetValue(tags) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            if (EnqueueInput.Problem(spec) is { } problem)
            {
                Console.Error.WriteLine("error: " + problem);
                return 2;
            }
            return await CliErrors.RunAsync(async () =>
            {
                using var client = new WorcrClient(new Uri(parse.GetValue(server)!), DevCredentials.ApiKey(parse.GetValue(apiKey)));
                Console.WriteLine(await client.EnqueueAsync(spec, cancellationToken));
            });
        });
        return command;
    }
}
