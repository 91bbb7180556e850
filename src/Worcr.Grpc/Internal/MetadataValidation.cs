namespace Worcr.Grpc.Internal;

/// <summary>Keeps metadata valid as HTTP/2 headers, so a bad key or value fails where it is added, not on the wire.</summary>
internal static class MetadataValidation
{
    public static string NormalizeKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var lower = key.ToLowerInvariant();
        foreach (var c in lower)
        {
            if (!IsKeyChar(c))
            {
                throw new ArgumentException($"Metadata key '{key}' may only contain 0-9 a-z _ - and '.'.", nameof(key));
            }
        }

        return lower;
    }

    public static void EnsurePrintableAscii(string key, string value)
    {
        foreach (var c in value)
        {
            if (c < 0x20 || c > 0x7E)
            {
                throw new ArgumentException(
                    $"Metadata value for '{key}' must be printable ASCII; use a '-bin' key for other data.", nameof(value));
            }
        }
    }

    public static byte[] DecodeBase64(string value)
    {
        var padding = (4 - (value.Length % 4)) % 4;
        return Convert.FromBase64String(padding == 0 ? value : value + new string('=', padding));
    }

    private static bool IsKeyChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.';
}
