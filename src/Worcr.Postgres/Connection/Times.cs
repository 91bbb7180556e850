namespace Worcr.Postgres;

internal static class Times
{
    /// <summary>timestamptz parameters must be UTC.</summary>
    public static DateTime? ToUtc(DateTimeOffset? value) => value?.UtcDateTime;
}
