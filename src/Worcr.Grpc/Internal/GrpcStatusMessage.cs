using System.Text;

namespace Worcr.Grpc.Internal;

/// <summary>
/// grpc-message is percent-encoded UTF-8: every byte outside printable ASCII, and '%' itself, becomes %XX.
/// Decoding is lenient, as the spec asks: a malformed escape is kept as it is.
/// </summary>
internal static class GrpcStatusMessage
{
    public static string Encode(string message)
    {
        if (!NeedsEncoding(message))
        {
            return message;
        }

        var builder = new StringBuilder(message.Length * 2);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (IsUnreserved(b))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2"));
            }
        }

        return builder.ToString();
    }

    public static string Decode(string encoded)
    {
        if (!encoded.Contains('%'))
        {
            return encoded;
        }

        var bytes = new List<byte>(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] == '%' && i + 2 < encoded.Length && TryHex(encoded[i + 1], encoded[i + 2], out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(encoded[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool NeedsEncoding(string message)
    {
        foreach (var c in message)
        {
            if (c > 0x7F || !IsUnreserved((byte)c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsUnreserved(byte b) => b is >= 0x20 and <= 0x7E and not (byte)'%';

    private static bool TryHex(char high, char low, out byte value)
    {
        value = 0;
        if (!Uri.IsHexDigit(high) || !Uri.IsHexDigit(low))
        {
            return false;
        }

        value = (byte)((Uri.FromHex(high) << 4) | Uri.FromHex(low));
        return true;
    }
}
