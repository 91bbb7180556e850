using System.Globalization;
using Worcr.Core.Input;
using Worcr.Scripting;
using Worcr.Server.Enqueue;

namespace Worcr.Server.Rules;

/// <summary>
/// What the admin API refuses in a tag-match rule that the node would still load: a tag no job or no worker can carry
/// (the rule could never match, and a "require" rule naming one would starve every job it covers), and a factor
/// outside 0 or <see cref="InputLimits.MinRuleFactor"/>..<see cref="InputLimits.MaxRuleFactor"/>. Loading stays as
/// lenient as it was, so a rule stored before these checks keeps working until it is saved again.
/// </summary>
internal static class TagMatchBounds
{
    /// <summary>The first problem, naming its field (tag_match.job_all[2], tag_match.factor), or null.</summary>
    public static string? Problem(TagMatchRule rule) =>
        JobSpecValidator.TagsProblem(rule.JobAll, "tag_match.job_all")
        ?? JobSpecValidator.TagsProblem(rule.JobAny, "tag_match.job_any")
        ?? JobSpecValidator.TagsProblem(rule.JobNone, "tag_match.job_none")
        ?? WorkerTagsProblem(rule.WorkerAll, "tag_match.worker_all")
        ?? WorkerTagsProblem(rule.WorkerAny, "tag_match.worker_any")
        ?? WorkerTagsProblem(rule.WorkerNone, "tag_match.worker_none")
        ?? FactorProblem(rule);

    /// <summary>A worker's tags are trimmed when it connects, so a tag with a space at either end never matches one.</summary>
    private static string? WorkerTagsProblem(IReadOnlyList<string> tags, string field)
    {
        if (WorkerTagCheck.Problem(tags, field) is { } problem) return problem;
        for (var i = 0; i < tags.Count; i++)
        {
            if (tags[i].Trim().Length != tags[i].Length)
            {
                return $"{field}[{i}]: tag {TextCheck.Quote(tags[i])} starts or ends with a space; a worker's tags are trimmed when it connects, so it would never match.";
            }
        }
        return null;
    }

    private static string? FactorProblem(TagMatchRule rule)
    {
        if (rule.Action != TagMatchAction.Multiply || rule.Factor == 0) return null;
        if (rule.Factor is >= InputLimits.MinRuleFactor and <= InputLimits.MaxRuleFactor) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"tag_match.factor: {rule.Factor} is not 0 (forbid) or a number from {InputLimits.MinRuleFactor:0.######} to {InputLimits.MaxRuleFactor:0}: factors of matching rules multiply, and past these a few rules overflow to infinity or round to 0 (docs/rules.md).");
    }
}
