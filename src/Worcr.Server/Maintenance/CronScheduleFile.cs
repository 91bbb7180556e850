using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Worcr.Core.Errors;
using Worcr.Postgres;
using Worcr.Server.JobTypes;

namespace Worcr.Server.Maintenance;

/// <summary>
/// Loads rules/schedules.json (a JSON array of schedules, each with a "name") at start-up and upserts every
/// schedule with origin 'file'. A schedule whose timing did not change keeps its next tick, so restarting nodes
/// neither skips nor repeats one. An invalid file stops the node with a message naming the schedule and field, before
/// any of its schedules is stored; so does a job type the node does not know, as the admin API refuses it (a misspelt
/// type would otherwise enqueue, at every tick, jobs no worker takes).
/// </summary>
internal static class CronScheduleFile
{
    public const string FileName = "schedules.json";

    public static async Task LoadAsync(CronStore store, JobTypeRegistry jobTypes, string? rulesDirectory, ILogger logger,
        CancellationToken ct)
    {
        if (rulesDirectory is null) return;
        var path = Path.Combine(rulesDirectory, FileName);
        if (!File.Exists(path)) return;
        var schedules = Read(path);
        foreach (var ((definition, _), index) in schedules.Select((schedule, index) => (schedule, index)))
        {
            try
            {
                await jobTypes.RequireKnownAsync(definition.Job.Type, "Field 'job.type'", ct);
            }
            catch (WorcrError exception)
            {
                throw new InvalidOperationException($"{path}: schedule {index + 1} ('{definition.Name}'): {exception.Message}", exception);
            }
        }
        foreach (var (definition, timing) in schedules) await store.UpsertAsync(definition, timing.NextAfter, ct);
        CronLog.FileLoaded(logger, schedules.Count, path);
    }

    private static List<(CronScheduleDefinition, CronTiming)> Read(string path)
    {
        List<CronScheduleInput>? inputs;
        try
        {
            inputs = JsonSerializer.Deserialize(File.ReadAllText(path), (JsonTypeInfo<List<CronScheduleInput>>)CronJson.Options.GetTypeInfo(typeof(List<CronScheduleInput>)));
        }
        catch (JsonException exception)
        {
            throw new InvalidOperationException($"{path}: not a JSON array of schedules (line {(exception.LineNumber ?? 0) + 1}): {exception.Message}", exception);
        }
        var schedules = new List<(CronScheduleDefinition, CronTiming)>();
        foreach (var (input, index) in (inputs ?? []).Select((input, index) => (input, index)))
        {
            try
            {
                schedules.Add(CronScheduleValidator.Validate(input.Name ?? "", input, "file"));
            }
            catch (CronDefinitionException exception)
            {
                throw new InvalidOperationException($"{path}: schedule {index + 1} ('{input.Name}'): {exception.Message}", exception);
            }
        }
        return schedules;
    }
}
