using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Worcr.Core.Input;

/// <summary>
/// Checks JSON that will be stored as jsonb and sent to workers: it parses, nests at most
/// <see cref="InputLimits.MaxJsonDepth"/> deep, its strings hold no NUL or lone surrogate (PostgreSQL refuses
/// both), its numbers are finite 64-bit floats, and it says how large PostgreSQL will print it back.
/// </summary>
public static class JsonCheck
{
    /// <summary>What is wrong with <paramref name="json"/>, or null; when null, <paramref name="storedBytes"/> is an upper bound of its size as stored.</summary>
    public static string? Problem(string json, FieldName field, out long storedBytes)
    {
        storedBytes = 0;
        if (TextCheck.FirstUnstorable(json) is not null) return TextCheck.Problem(json, field, int.MaxValue);
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = InputLimits.MaxJsonDepth });
        var size = new StoredSize();
        try
        {
            while (reader.Read())
            {
                if (TokenProblem(ref reader, field, size) is { } problem) return problem;
            }
        }
        catch (JsonException exception)
        {
            return $"{field}: not valid JSON ({exception.Message}).";
        }
        storedBytes = size.Bytes;
        return null;
    }

    private static string? TokenProblem(ref Utf8JsonReader reader, FieldName field, StoredSize size)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                size.Value(1);
                size.Open();
                return null;
            case JsonTokenType.EndObject or JsonTokenType.EndArray:
                size.Close();
                return null;
            case JsonTokenType.PropertyName or JsonTokenType.String:
                var (problem, printed) = StringSize(ref reader, field);
                if (reader.TokenType == JsonTokenType.PropertyName) size.Property(printed);
                else size.Value(printed);
                return problem;
            case JsonTokenType.Number:
                var (numberProblem, digits) = NumberSize(reader.ValueSpan, field, reader.TokenStartIndex);
                size.Value(digits);
                return numberProblem;
            default:
                size.Value(reader.ValueSpan.Length);
                return null;
        }
    }

    /// <summary>A string as jsonb prints it: quotes, '"' and '\' escaped, control characters as \n or \u00XX, the rest as UTF-8.</summary>
    private static (string? Problem, long Printed) StringSize(ref Utf8JsonReader reader, FieldName field)
    {
        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return ($"{field}: a string at byte {reader.TokenStartIndex} escapes a lone UTF-16 surrogate (not valid Unicode).", 0);
        }
        if (text.Contains('\0', StringComparison.Ordinal)) return ($"{field}: a string at byte {reader.TokenStartIndex} contains \\u0000, which PostgreSQL cannot store.", 0);
        long printed = 2;
        foreach (var c in text)
        {
            printed += c switch
            {
                '"' or '\\' or '\b' or '\f' or '\n' or '\r' or '\t' => 2,
                < ' ' => 6,
                < (char)0x80 => 1,
                < (char)0x800 => 2,
                _ when char.IsSurrogate(c) => 2, // a pair prints as 4 bytes
                _ => 3,
            };
        }
        return (null, printed);
    }

    /// <summary>A number must be finite as a double with a written exponent of at most ±308; jsonb prints it in full, without the exponent.</summary>
    private static (string? Problem, long Printed) NumberSize(ReadOnlySpan<byte> text, FieldName field, long at)
    {
        var number = Encoding.ASCII.GetString(text);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            return ($"{field}: the number at byte {at} overflows a 64-bit float (at most about 1.8e308).", 0);
        }
        var mark = number.IndexOfAny(['e', 'E']);
        var mantissa = mark < 0 ? number : number[..mark];
        var exponent = 0;
        if (mark >= 0 && (!int.TryParse(number.AsSpan(mark + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent)
            || Math.Abs(exponent) > InputLimits.MaxJsonNumberExponent))
        {
            return ($"{field}: the number at byte {at} has an exponent beyond ±{InputLimits.MaxJsonNumberExponent}.", 0);
        }
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integerDigits = (point < 0 ? mantissa.Length : point) - (mantissa.StartsWith('-') ? 1 : 0);
        var fractionDigits = point < 0 ? 0 : mantissa.Length - point - 1;
        var scale = Math.Max(0, fractionDigits - exponent);
        return (null, 1 + Math.Max(1, integerDigits + exponent) + (scale > 0 ? 1 + scale : 0));
    }

    /// <summary>Counts the bytes of jsonb's output: ", " between items and ": " after names.</summary>
    private sealed class StoredSize
    {
        private readonly Stack<bool> _hasItem = new();
        private bool _afterName;

        public long Bytes { get; private set; }

        public void Open() => _hasItem.Push(false);

        public void Close()
        {
            _hasItem.Pop();
            Bytes += 1;
        }

        public void Property(long printed)
        {
            Separator();
            Bytes += printed + 2;
            _afterName = true;
        }

        public void Value(long printed)
        {
            if (_afterName) _afterName = false;
            else Separator();
            Bytes += printed;
        }

        private void Separator()
        {
            if (_hasItem.Count == 0) return;
            if (_hasItem.Peek()) Bytes += 2;
            else
            {
                _hasItem.Pop();
                _hasItem.Push(true);
            }
        }
    }
}
