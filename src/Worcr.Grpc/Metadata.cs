using System.Collections;
using Worcr.Grpc.Internal;

namespace Worcr.Grpc;

/// <summary>
/// gRPC custom metadata (headers or trailers). Keys are case-insensitive and stored lower-case, as HTTP/2 requires.
/// Keys ending in "-bin" carry binary values: on the wire and in the string API they are base64;
/// <see cref="AddBytes"/> and <see cref="GetBytes"/> do the conversion.
/// </summary>
public sealed class Metadata : IEnumerable<KeyValuePair<string, string>>
{
    public const string BinarySuffix = "-bin";

    private readonly List<KeyValuePair<string, string>> _entries = [];

    public int Count => _entries.Count;

    public void Add(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var normalized = MetadataValidation.NormalizeKey(key);
        if (!IsBinaryKey(normalized))
        {
            MetadataValidation.EnsurePrintableAscii(normalized, value);
        }

        _entries.Add(new(normalized, value));
    }

    public void AddBytes(string key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var normalized = MetadataValidation.NormalizeKey(key);
        if (!IsBinaryKey(normalized))
        {
            throw new ArgumentException($"Binary metadata keys must end in '{BinarySuffix}': '{key}'.", nameof(key));
        }

        _entries.Add(new(normalized, Convert.ToBase64String(value)));
    }

    /// <summary>The last value added under <paramref name="key"/>, or null.</summary>
    public string? Get(string key)
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return _entries[i].Value;
            }
        }

        return null;
    }

    /// <summary>The decoded value of a "-bin" key; accepts unpadded base64 as the spec allows.</summary>
    public byte[]? GetBytes(string key)
    {
        var value = Get(key);
        return value is null ? null : MetadataValidation.DecodeBase64(value);
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal static bool IsBinaryKey(string key) => key.EndsWith(BinarySuffix, StringComparison.OrdinalIgnoreCase);
}
