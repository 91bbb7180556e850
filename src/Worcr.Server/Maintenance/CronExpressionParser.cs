using Cronos;
using Worcr.Core.Input;

namespace Worcr.Server.Maintenance;

/// <summary>Reads cron expressions (through Cronos) and time zones with errors that say which field is wrong and how to fix it.</summary>
internal static class CronExpressionParser
{
    private static readonly string[] FiveFields = ["minute", "hour", "day of month", "month", "day of week"];

    // Cronos opens every format error with this sentence; the part after it names the field (e.g. "Minutes: ...").
    private const string CronosPreamble = "The given cron expression has an invalid format.";

    public static CronExpression Parse(string expression)
    {
        var text = (expression ?? "").Trim();
        var fields = text.Split(' ', '\t').Count(part => part.Length > 0);
        var isMacro = text.StartsWith('@');
        if (!isMacro && fields is not (5 or 6))
        {
            throw new CronDefinitionException("expression",
                $"{TextCheck.Quote(expression ?? "")} has {fields} field(s); use 5 ({string.Join(", ", FiveFields)}) or 6 (second first, then those five), or a macro such as '@daily'.");
        }
        try
        {
            return CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException exception)
        {
            var detail = exception.Message.StartsWith(CronosPreamble, StringComparison.Ordinal) ? exception.Message[CronosPreamble.Length..].TrimStart() : exception.Message;
            throw new CronDefinitionException("expression", $"{TextCheck.Quote(expression ?? "")} is not a valid cron expression: {detail}");
        }
        catch (MissingSeedException)
        {
            // 'H' (a value chosen per schedule to spread load) needs a seed that schedules do not carry.
            throw new CronDefinitionException("expression", $"{TextCheck.Quote(expression ?? "")} uses 'H', which is not supported; write the value itself.");
        }
    }

    public static TimeZoneInfo FindZone(string timeZone)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(string.IsNullOrWhiteSpace(timeZone) ? "UTC" : timeZone);
        }
        // A name that is a folder of the zone database ("America") cannot be read as a zone: SecurityException on Linux.
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException or System.Security.SecurityException or ArgumentException)
        {
            throw new CronDefinitionException("time_zone", $"unknown time zone {TextCheck.Quote(timeZone)}: use an IANA name such as 'Europe/Paris' or 'UTC'.");
        }
    }
}
