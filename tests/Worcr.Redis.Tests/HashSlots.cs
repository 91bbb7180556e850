using System.Text;

namespace Worcr.Redis.Tests;

/// <summary>
/// Redis Cluster's key slot, computed here: CRC16 (XMODEM) of the key's hash tag (the text between the first '{' and
/// the next '}', when not empty) or of the whole key, modulo 16384. StackExchange.Redis's own HashSlot answers -1 on
/// a standalone server, so it cannot prove anything there.
/// </summary>
internal static class HashSlots
{
    public const int Count = 16384;

    public static int Of(string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        var open = Array.IndexOf(bytes, (byte)'{');
        if (open >= 0)
        {
            var close = Array.IndexOf(bytes, (byte)'}', open + 1);
            if (close > open + 1) bytes = bytes[(open + 1)..close];
        }
        return Crc16(bytes) % Count;
    }

    private static int Crc16(ReadOnlySpan<byte> bytes)
    {
        var crc = 0;
        foreach (var b in bytes)
        {
            crc ^= b << 8;
            for (var bit = 0; bit < 8; bit++) crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            crc &= 0xFFFF;
        }
        return crc;
    }
}
