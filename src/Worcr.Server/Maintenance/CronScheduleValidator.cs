using System.Text.Json;
using System.Text.RegularExpressions;
using Worcr.Core.Errors;
using Worcr.Core.Input;
using Worcr.Postgres;
using Worcr.Server.Enqueue;

namespace Worcr.Server.Maintenance;

/// <summary>Turns a <see cref="CronScheduleInput"/> into a stored definition, or throws naming the field at fault.</summary>
internal static partial class CronScheduleValidator
{
    public static (CronScheduleDefinition Definition, CronTiming Timing) Validate(string name, CronScheduleInput input, string origin)
    {
        if (!ScheduleName().IsMatch(name)) throw new CronDefinitionException("name", $"{TextCheck.Quote(name)} must be 1-100 letters, digits or '.', '-', '_'.");
        // The parser stops reading at a NUL, so "0 2 * * *\0" parsed, and PostgreSQL then refused to store it (a 500).
        if (input.Expression is { } expression && TextCheck.FirstUnstorable(expression) is not null)
        {
            throw new CronDefinitionException("expression", $"{TextCheck.Quote(expression)} contains a NUL character or a lone surrogate, which cannot be stored.");
        }
        var timing = CronTiming.Parse(input.Expression ?? "", input.TimeZone ?? "UTC");
        var job = ValidateJob(input.Job ?? throw new CronDefinitionException("job", "the job to enqueue is required ({\"type\": ..., \"tenant\": ...})."));
        var definition = new CronScheduleDefinition(name, input.Expression!.Trim(), timing.Zone.Id, job, input.Enabled ?? true, origin);
        return (definition, timing);
    }

    private static CronJobTemplate ValidateJob(CronJobInput job)
    {
        var tags = job.Tags ?? [];
        Check(() => JobSpecValidator.ValidateType(job.Type ?? "", "job.type"), "job.type");
        Check(() => JobSpecValidator.ValidateTenant(job.Tenant ?? "", "job.tenant"), "job.tenant");
        Check(() => JobSpecValidator.ValidateTags(tags, "job.tags"), "job.tags");
        var args = job.Args is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } value ? value.GetRawText() : "{}";
        // The producers' checks: what PostgreSQL refuses (a NUL escaped, a lone surrogate, a number past a double) and
        // what it would store far larger than sent ([1e130000, ...] becomes megabytes) fail here, naming the field,
        // not at each tick.
        Check(() => JobSpecValidator.ValidateJson(args, "job.args"), "job.args");
        var weight = job.Weight ?? 1;
        if (weight <= 0 || double.IsNaN(weight) || double.IsInfinity(weight) || weight > InputLimits.MaxJobWeight)
        {
            throw new CronDefinitionException("job.weight", $"must be a positive number, at most {InputLimits.MaxJobWeight:0}.");
        }
        // Left unset when not given: each fire resolves it as a producer's enqueue does (CronJobPolicy).
        if (job.MaxAttempts is < 1 or > 1000) throw new CronDefinitionException("job.max_attempts", "must be between 1 and 1000.");
        return new CronJobTemplate(job.Type!, job.Tenant!, tags, args, weight, job.MaxAttempts);
    }

    private static void Check(Action validate, string field)
    {
        try
        {
            validate();
        }
        catch (WorcrError exception)
        {
            // The validator's messages start with the field already.
            var detail = exception.Message.StartsWith(field + ":", StringComparison.Ordinal) ? exception.Message[(field.Length + 1)..].TrimStart() : exception.Message;
            throw new CronDefinitionException(field, detail);
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9._\-]{1,100}\z")]
    private static partial Regex ScheduleName();
}
