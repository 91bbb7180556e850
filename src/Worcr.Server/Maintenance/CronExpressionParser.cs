using NCrontab;

namespace Worcr.Server.Maintenance;

/// <summary>Reads cron expressions and time zones with errors that say which field is wrong and how to fix it.</summary>
internal static class CronExpressionParser
{
    private static readonly string[] FiveFields = ["minute", "hour", "day of month", "month", "day of week"];

    public static CrontabSchedule Parse(string expression)
    {
        var fields = (expression ?? "").Split(' ', '\t').Count(part => part.Length > 0);
        if (fields is not (5 or 6))
        {
            throw new CronDefinitionException("expression",
                $"'{expression}' has {fields} field(s); use 5 ({string.Join(", ", FiveFields)}) or 6 (second first, then those five).");
        }
        try
        {
            return CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = fields == 6 });
        }
        catch (CrontabException exception)
        {
            throw new CronDefinitionException("expression", $"'{expression}' is not a valid cron expression: {exception.Message}");
        }
    }

    public static TimeZoneInfo FindZone(string timeZone)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(string.IsNullOrWhiteSpace(timeZone) ? "UTC" : timeZone);
        }
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new CronDefinitionException("time_zone", $"unknown time zone '{timeZone}': use an IANA name such as 'Europe/Paris' or 'UTC'.");
        }
    }
}
