using System.Text.Json;

namespace Worcr.Scripting.Internal;

/// <summary>
/// The arguments of one rule call, in a language-neutral form each host turns into its own values.
/// Worker is set for weight rules, Attempt and Error for retry rules.
/// </summary>
internal sealed record RuleArguments(JobFacts Job, JsonElement Args, WorkerFacts? Worker, int? Attempt, string? Error)
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>Decodes the job's args JSON once per call; blank means an empty object.</summary>
    public static JsonElement DecodeArgs(RuleSource source, JobFacts job)
    {
        if (string.IsNullOrWhiteSpace(job.ArgsJson))
        {
            return EmptyObject;
        }

        try
        {
            using var document = JsonDocument.Parse(job.ArgsJson, new JsonDocumentOptions { MaxDepth = MaxArgsDepth });
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw RuleLabel.Failure(source, $"could not read the job's args: {ex.Message}", ex);
        }
    }

    /// <summary>Deep args would recurse deeply when copied into a script; jobs do not need more.</summary>
    public const int MaxArgsDepth = 32;
}
