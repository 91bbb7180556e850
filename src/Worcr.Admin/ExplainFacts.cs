using Worcr.Core.Input;
using Worcr.Core.Lanes;
using Worcr.Scripting;
using Worcr.Server.Rules;
using Worcr.Server.Workers;

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
        var error = NullEntry(input.Job.Tags, "job.tags") ?? NullEntry(input.Worker.Tags, "worker.tags") ?? NullEntry(input.Worker.JobTypes, "worker.job_types")
            ?? Bounded(input.Job.Tags, "job.tags", InputLimits.MaxTags, InputLimits.MaxTagLength)
            ?? Bounded(input.Worker.Tags, "worker.tags", WorkerLimits.MaxTags, WorkerLimits.MaxTagLength)
            ?? Bounded(input.Worker.JobTypes, "worker.job_types", WorkerLimits.MaxJobTypes, InputLimits.MaxTypeLength);
        if (error is not null) return (null, null, error);
        var tenant = string.IsNullOrWhiteSpace(input.Job.Tenant) ? DefaultTenant : input.Job.Tenant;
        var lane = new Lane(0, tenant, input.Job.Type, Lane.NormaliseTags(input.Job.Tags!.OfType<string>()), 1);
        var worker = new WorkerFacts(
            string.IsNullOrWhiteSpace(input.Worker.Id) ? DefaultWorkerId : input.Worker.Id,
            Lane.NormaliseTags(input.Worker.Tags?.OfType<string>() ?? []),
            input.Worker.JobTypes?.OfType<string>().ToArray() ?? [input.Job.Type]);
        return (RuleWeightOracle.LaneFacts(lane), worker, null);
    }

    /// <summary>
    /// As many entries as a job or a worker may have: each rule call copies them into the script before its budget
    /// starts, so a read-only caller's million tags cost seconds of the node's CPU per request.
    /// </summary>
    private static string? Bounded(string?[]? values, string field, int maxCount, int maxLength)
    {
        if (values is null) return null;
        if (values.Length > maxCount) return $"Field '{field}' holds {values.Length} entries; at most {maxCount}.";
        var index = Array.FindIndex(values, v => v is { Length: var length } && length > maxLength);
        return index < 0 ? null : $"Field '{field}[{index}]' is longer than {maxLength} characters.";
    }

    private static string? NullEntry(string?[]? values, string field) =>
        values is not null && values.Any(v => v is null) ? $"Field '{field}' must hold strings only." : null;
}
