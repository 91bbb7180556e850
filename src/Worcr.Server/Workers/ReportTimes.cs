using Google.Protobuf.WellKnownTypes;
using Worcr.Core.Errors;
using Worcr.Core.Input;

namespace Worcr.Server.Workers;

/// <summary>
/// Durations a worker reports (Fail.retry_after, Yield.delay), checked before use: Google.Protobuf throws on a
/// duration that is not normalized (nanos out of range or of the other sign), and a delay past the furthest a job
/// may be scheduled would overflow the clock. Either gets a refused Ack naming the field.
/// </summary>
internal static class ReportTimes
{
    /// <summary>The delay as a TimeSpan (null when unset), or INVALID_ARGUMENT naming <paramref name="field"/>.</summary>
    public static TimeSpan? Delay(Duration? delay, string field)
    {
        if (delay is null) return null;
        if (delay.Seconds < 0 || delay.Nanos < 0)
        {
            throw WorcrError.InvalidArgument($"{field} must not be negative (seconds {delay.Seconds}, nanos {delay.Nanos}).");
        }
        if (delay.Nanos > 999_999_999) throw WorcrError.InvalidArgument($"{field}: nanos {delay.Nanos} is more than a second.");
        if (delay.Seconds > (long)InputLimits.MaxScheduleAhead.TotalSeconds)
        {
            throw WorcrError.InvalidArgument($"{field}: at most {InputLimits.MaxScheduleAhead.TotalDays:0} days.");
        }
        return delay.ToTimeSpan();
    }
}
