using System.CommandLine;
using System.Text.Json;
using Worcr.Protocol.V1;
using Worcr.Worker;

namespace Worcr.Cli.Commands;

/// <summary>`worcr job ID`: print a job as JSON.</summary>
internal static class JobCommand
{
    private static readonly CliJsonContext Indented = new(new JsonSerializerOptions { WriteIndented = true });

    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "The job id printed by enqueue." };
        var server = CommonOptions.Server();
        var apiKey = CommonOptions.ApiKey();
        var command = new Command("job", "Print a job as JSON (id, type, tenant, tags, state, attempt, ...).") { id, server, apiKey };
        command.SetAction(async (parse, cancellationToken) => await CliErrors.RunAsync(async () =>
        {
            using var client = new WorcrClient(new Uri(parse.GetValue(server)!), DevCredentials.ApiKey(parse.GetValue(apiKey)));
            var job = await client.GetAsync(parse.GetValue(id)!, cancellationToken);
            Console.WriteLine(JsonSerializer.Serialize(ToJson(job), Indented.DictionaryStringObject));
        }));
        return command;
    }

    /// <summary>The job in the CLI's JSON shape: states as lower-case words, times in ISO 8601.</summary>
    public static Dictionary<string, object?> ToJson(Job job) => new()
    {
        ["id"] = job.Id,
        ["type"] = job.Type,
        ["tenant"] = job.Tenant,
        ["tags"] = job.Tags.ToArray(),
        ["state"] = StateName(job.State),
        ["attempt"] = job.Attempt,
        ["max_attempts"] = job.MaxAttempts,
        ["weight"] = job.Weight,
        ["args"] = JsonDocument.Parse(string.IsNullOrEmpty(job.ArgsJson) ? "{}" : job.ArgsJson).RootElement,
        ["result"] = string.IsNullOrEmpty(job.ResultJson) ? null : JsonDocument.Parse(job.ResultJson).RootElement,
        ["last_error"] = string.IsNullOrEmpty(job.LastError) ? null : job.LastError,
        ["enqueued_at"] = job.EnqueuedAt?.ToDateTimeOffset(),
        ["run_at"] = job.RunAt?.ToDateTimeOffset(),
        ["expires_at"] = job.ExpiresAt?.ToDateTimeOffset(),
        ["finished_at"] = job.FinishedAt?.ToDateTimeOffset(),
        ["worker_id"] = string.IsNullOrEmpty(job.WorkerId) ? null : job.WorkerId,
        ["checkpoints"] = job.Checkpoints.ToDictionary(),
        ["progress"] = job.Progress.Select(p => new Dictionary<string, object?> { ["name"] = p.Name, ["current"] = p.Current, ["total"] = p.Total, ["text"] = p.Text }).ToArray(),
    };

    public static string StateName(JobState state) => state switch
    {
        JobState.Scheduled => "scheduled",
        JobState.Waiting => "waiting",
        JobState.Running => "running",
        JobState.Completed => "completed",
        JobState.Failed => "failed",
        JobState.Dead => "dead",
        JobState.Expired => "expired",
        JobState.Cancelled => "cancelled",
        _ => "unknown",
    };
}
