namespace Worcr.Postgres;

/// <summary>Builds LISTEN statements; channel names are quoted identifiers, so only safe names are accepted.</summary>
internal static class ListenSql
{
    public static void ValidateChannel(string channel)
    {
        if (channel.Length is 0 or > 63 || channel.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '_')))
        {
            throw new ArgumentException($"Channel name '{channel}' is invalid: use 1 to 63 letters, digits or underscores.", nameof(channel));
        }
    }

    public static string For(IEnumerable<string> channels) => string.Concat(channels.Select(c => $"LISTEN \"{c}\";"));
}
