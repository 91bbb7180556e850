namespace Worcr.Core.Input;

/// <summary>
/// The rule for a worker's tags (Hello.tags), in one place for the node that refuses them, the worker SDK that checks
/// its options before it connects, and the admin API that refuses a tag-match rule naming a worker tag no worker can
/// have: at most <see cref="InputLimits.MaxTags"/>, each 1 to <see cref="InputLimits.MaxTagLength"/> characters that can
/// be stored. Not held to a job tag's characters: a worker's tags were never checked, and one that connects today with
/// a tag like "pool/gpu" must not be refused after an upgrade.
/// </summary>
public static class WorkerTagCheck
{
    /// <summary>What is wrong with <paramref name="tags"/> as the tags of a worker (field <paramref name="field"/>), or null.</summary>
    public static string? Problem(IReadOnlyList<string> tags, FieldName field)
    {
        if (tags.Count > InputLimits.MaxTags) return $"{field}: at most {InputLimits.MaxTags} tags (got {tags.Count}).";
        for (var i = 0; i < tags.Count; i++)
        {
            if (tags[i].Length == 0) return $"{field}[{i}] is empty.";
            if (TextCheck.Problem(tags[i], $"{field}[{i}]", InputLimits.MaxTagLength) is { } problem) return problem;
        }
        return null;
    }
}
