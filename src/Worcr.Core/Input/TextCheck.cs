namespace Worcr.Core.Input;

/// <summary>
/// Free text that PostgreSQL and every client can hold: no NUL (PostgreSQL text cannot store it) and no lone
/// surrogate (it has no UTF-8 form; invalid UTF-8 on the wire already arrives as U+FFFD).
/// </summary>
public static class TextCheck
{
    /// <summary>What is wrong with <paramref name="text"/> as a value of <paramref name="field"/>, or null.</summary>
    public static string? Problem(string text, FieldName field, int maxLength)
    {
        if (text.Length > maxLength) return $"{field}: at most {maxLength} characters (got {text.Length}).";
        var bad = FirstUnstorable(text);
        return bad switch
        {
            null => null,
            '\0' => $"{field}: contains a NUL character (at {text.IndexOf('\0', StringComparison.Ordinal)}), which cannot be stored.",
            _ => $"{field}: contains a lone UTF-16 surrogate (not valid Unicode), which cannot be stored.",
        };
    }

    /// <summary>The first NUL or lone surrogate in <paramref name="text"/>, or null when there is none.</summary>
    public static char? FirstUnstorable(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0') return c;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c)) return c;
        }
        return null;
    }

    /// <summary>
    /// <paramref name="text"/> cut to at most <paramref name="maxLength"/> characters, never between the two halves of
    /// a surrogate pair: a lone half cannot be stored.
    /// </summary>
    public static string Cut(string text, int maxLength)
    {
        if (text.Length <= maxLength) return text;
        return text[..(char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength)];
    }

    /// <summary>
    /// Text from a request, fit to echo in an error: quoted, at most <paramref name="max"/> characters, control
    /// characters and lone surrogates escaped. An error that echoed a megabyte, or a NUL, would be a new problem. Every
    /// error message that shows a value from a request (a path segment, a query value, a body field, a gRPC field) shows
    /// it through this or <see cref="QuoteName"/>, so the cap is the same everywhere.
    /// </summary>
    public static string Quote(string text, int max = 40)
    {
        var shown = text.Length <= max ? text : text[..max];
        var escaped = string.Concat(shown.Select(c => char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        return $"'{escaped}'" + (text.Length > max ? $"… ({text.Length} characters)" : "");
    }

    /// <summary>
    /// As <see cref="Quote"/> for a name with a length bound of its own (a worker id, a tenant, a unique key): whole
    /// when within <paramref name="bound"/>, so two names that differ only at their end stay apart in the error (a
    /// worker id's "host:pid:n" tail); cut at 40 characters when longer, as it cannot name anything stored. The
    /// default bound is the usual one of names (tenants, job types, worker ids, limit keys: 200).
    /// </summary>
    public static string QuoteName(string name, int bound = InputLimits.MaxTenantLength) => Quote(name, name.Length <= bound ? bound : 40);
}
