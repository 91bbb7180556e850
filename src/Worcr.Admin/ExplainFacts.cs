using Worcr.Core.Lanes;
using Worcr.Scripting;
using Worcr.Server.Rules;

namespace Worcr.Admin;

/// <summary>
/// Turns an explain request into the facts dispatch would give the weight rules: the job as its lane sees it
/// (tenant, type, normalised tags, no args) and the worker. Defaults: tenant "default", worker id "explain",
/// worker job types = the job's type.
/// </summary>
internal static class ExplainFacts
{
    public const string DefaultTenant = "default";
    public const string DefaultWorkerId = "explain";

    public static (JobFacts? Job, WorkerFacts? Worker, string? Error) From(ExplainInput input)
    {
        if (input.Job is null) return (null, null, "Field 'job' is required: {\"type\": ..., \"tenant\": ..., \"tags\": [...]}.");
        if (string.IsNullOrWhiteSpace(input.Job.Type)) return (null, null, "Field 'job.type' is required.");
        if (input.Worker is null) return (null, null, "Field 'worker' is required: {\"tags\": [...], \"job_types\": [...]}.");
        var error = NullEntry(input.Job.Tags, "job.tags") ?? NullEntry(input.Worker.Tags, "worker.tags") ?? NullEntry(input.Worker.JobTypes, "worker.job_types");
        if (error is not null) return (null, null, error);
        var tenant = string.IsNullOrWhiteSpace(input.Job.Tenant) ? DefaultTenant : input.Job.Tenant;
        var lane = new Lane(0, tenant, input.Job.Type, Lane.NormaliseTags(input.Job.Tags!.OfType<string>()), 1);
        var worker = new WorkerFacts(
            string.IsNullOrWhiteSpace(input.Worker.Id) ? DefaultWorkerId : input.Worker.Id,
            Lane.NormaliseTags(input.Worker.Tags?.OfType<string>() ?? []),
            input.Worker.JobTypes?.OfType<string>().ToArray() ?? [input.Job.Type]);
        return (RuleWeightOracle.LaneFacts(lane), worker, null);
    }

    private static string? NullEntry(string?[]? values, string field) =>
        values is not null && values.Any(v => v is null) ? $"Field '{field}' must hold strings only." : null;
}
