using System.Globalization;
using Google.Protobuf.WellKnownTypes;

namespace Worcr.Server.Tests.Hostile;

/// <summary>
/// Random values a hostile client would send, from one seeded <see cref="Random"/> so a failing run can be replayed:
/// strings with NUL, control characters, lone surrogates and huge lengths; deep, overflowing and huge JSON; numbers at and past their limits.
/// </summary>
internal sealed class HostileValues(Random random)
{
    private static readonly string[] Plain = ["test.echo", "acme", "a", "x:y", "é", "日本", "🙂", "wt_", "-", ""];

    public bool Chance(double probability) => random.NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    public string Text()
    {
        switch (random.Next(9))
        {
            case 0: return Pick(Plain);
            case 1: return Pick(Plain) + "\0" + Pick(Plain);
            case 2: return "\ud800" + Pick(Plain);
            case 3: return Pick(Plain) + "\udfff";
            case 4: return new string((char)random.Next(0, 32), random.Next(1, 20));
            case 5: return new string('x', Size());
            case 6: return Pick(Plain) + "\n";
            case 7:
                var chars = new char[random.Next(1, 300)];
                for (var i = 0; i < chars.Length; i++) chars[i] = (char)random.Next(0, 0x10000);
                return new string(chars);
            default: return random.Next().ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Mostly small, sometimes around the limits (1 KiB to 3 MiB).</summary>
    public int Size() => random.Next(10) switch
    {
        < 6 => random.Next(0, 300),
        < 9 => random.Next(300, 70_000),
        _ => random.Next(1_000_000, 3_000_000),
    };

    public string Json() => random.Next(12) switch
    {
        0 => "",
        1 => "{}",
        2 => $"{{\"n\": {Number()}}}",
        3 => new string('[', random.Next(50, 5000)) + new string(']', random.Next(0, 5000)),
        4 => $"{{\"s\": \"{Escape(Text())}\"}}",
        5 => "{\"s\": \"\\u0000\"}",
        6 => "{\"s\": \"\\ud800\\u0041\"}",
        7 => "[" + string.Join(",", Enumerable.Repeat(Number(), random.Next(1, 20_000))) + "]",
        8 => "{\"a\": " + new string('"', random.Next(1, 5)),
        9 => Text(),
        10 => $"\"{new string('y', Size())}\"",
        _ => "{\"ok\": true, \"list\": [1, 2.5, -3e10, null, \"é\"]}",
    };

    public string Number() => Pick(["0", "-0", "1e308", "1e309", "-1e400", "1e-400", "1e-99999", "123456789012345678901234567890",
        "0." + new string('1', 400), "1.5", "-2.5e-300", "9" + new string('9', 400), "1E+308", "2e307"]);

    public double Double() => random.Next(10) switch
    {
        0 => double.NaN,
        1 => double.PositiveInfinity,
        2 => double.NegativeInfinity,
        3 => -random.NextDouble(),
        4 => double.MaxValue,
        5 => double.Epsilon,
        6 => 1e7,
        7 => 0,
        _ => random.NextDouble() * 100,
    };

    public int Int() => random.Next(6) switch
    {
        0 => int.MinValue,
        1 => int.MaxValue,
        2 => -1,
        3 => 0,
        _ => random.Next(1, 100),
    };

    public long Long() => random.Next(5) switch
    {
        0 => long.MinValue,
        1 => long.MaxValue,
        2 => -1,
        _ => random.Next(0, 1000),
    };

    public Timestamp? Time() => random.Next(7) switch
    {
        0 => null,
        1 => new Timestamp { Seconds = Long(), Nanos = Int() },
        2 => Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddYears(random.Next(1, 30))),
        3 => Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(-random.Next(0, 100_000))),
        4 => new Timestamp { Seconds = 253_402_300_800, Nanos = 0 },
        _ => Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(random.Next(0, 3))),
    };

    public Duration? Span() => random.Next(5) switch
    {
        0 => null,
        1 => new Duration { Seconds = Long(), Nanos = Int() },
        2 => Duration.FromTimeSpan(TimeSpan.FromDays(random.Next(0, 5000))),
        _ => Duration.FromTimeSpan(TimeSpan.FromMilliseconds(random.Next(1, 100_000))),
    };

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
