using System.Buffers;
using System.Globalization;
using System.Text;

namespace Worcr.Redis.Internal;

/// <summary>Encodes a command as a RESP array of bulk strings, the only form Redis accepts from clients.</summary>
internal static class RespCommandEncoder
{
    public static byte[] Encode(string command, IReadOnlyList<object> args)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        ArgumentNullException.ThrowIfNull(args);
        var output = new ArrayBufferWriter<byte>(64);
        WriteHeader(output, '*', args.Count + 1);
        WriteBulk(output, Encoding.UTF8.GetBytes(command));
        for (var i = 0; i < args.Count; i++) WriteBulk(output, ToBytes(args[i], i));
        return output.WrittenSpan.ToArray();
    }

    private static ReadOnlySpan<byte> ToBytes(object? arg, int index) => arg switch
    {
        string text => Encoding.UTF8.GetBytes(text),
        long number => Ascii(number.ToString(CultureInfo.InvariantCulture)),
        int number => Ascii(number.ToString(CultureInfo.InvariantCulture)),
        double number => Ascii(FormatDouble(number)),
        byte[] bytes => bytes,
        ReadOnlyMemory<byte> memory => memory.Span,
        null => throw new ArgumentNullException($"args[{index}]", "Redis command arguments cannot be null."),
        _ => throw new ArgumentException(
            $"args[{index}] is a {arg.GetType().Name}; use string, long, int, double, byte[] or ReadOnlyMemory<byte>.", $"args[{index}]"),
    };

    private static string FormatDouble(double number) => number switch
    {
        double.PositiveInfinity => "+inf",
        double.NegativeInfinity => "-inf",
        _ when double.IsNaN(number) => throw new ArgumentException("Redis does not accept NaN as an argument."),
        _ => number.ToString("R", CultureInfo.InvariantCulture),
    };

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static void WriteBulk(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        WriteHeader(output, '$', bytes.Length);
        output.Write(bytes);
        output.Write("\r\n"u8);
    }

    private static void WriteHeader(ArrayBufferWriter<byte> output, char type, int count)
    {
        output.Write([(byte)type]);
        output.Write(Ascii(count.ToString(CultureInfo.InvariantCulture)));
        output.Write("\r\n"u8);
    }
}
