using Worcr.Core.Errors;

namespace Worcr.Server.Workers;

/// <summary>
/// Checks the text a worker reports before anything is stored: PostgreSQL refuses a NUL character in text, and a
/// lone UTF-16 surrogate (what invalid UTF-8 can turn into) cannot be encoded. Such a value is refused, naming the
/// field, for that report only: it never reaches a batch where it would fail other jobs' rows.
/// </summary>
internal static class ReportText
{
    /// <summary>Throws INVALID_ARGUMENT naming <paramref name="field"/> when the text is too long or cannot be stored.</summary>
    public static void Check(string text, string field, int maxLength)
    {
        if (text.Length > maxLength) throw WorcrError.InvalidArgument($"{field}: at most {maxLength} characters (got {text.Length}).");
        CheckStorable(text, field);
    }

    /// <summary>Throws INVALID_ARGUMENT naming <paramref name="field"/> when the text holds a NUL or a lone surrogate.</summary>
    public static void CheckStorable(string text, string field)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0') throw WorcrError.InvalidArgument($"{field}: contains a NUL character (at {i}), which cannot be stored.");
            if (!char.IsSurrogate(c)) continue;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            throw WorcrError.InvalidArgument($"{field}: is not valid UTF-8/UTF-16 (a lone surrogate at {i}).");
        }
    }
}
