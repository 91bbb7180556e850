namespace Worcr.Core.Dispatch;

/// <summary>
/// A time on the wall clock that something waits for (a parked lane's retry time, the next reconcile, retention's
/// next pass and its pause after a partition change gave way), set as "now plus <see cref="Span"/>". A deadline
/// further ahead than its own span can only mean the wall clock was stepped back since it was set (an NTP correction,
/// an operator); it then counts as due, rather than making the wait as long as the step (a lane parked for 5 s
/// staying parked for the hour the clock went back). A clock stepped ahead makes it due early, which only means
/// looking again sooner.
/// </summary>
public readonly record struct WallDeadline(DateTimeOffset Until, TimeSpan Span)
{
    public static WallDeadline After(DateTimeOffset now, TimeSpan span) => new(now + span, span);

    /// <summary>Whether the deadline has come at <paramref name="now"/>, or the clock went back since it was set.</summary>
    public bool IsDue(DateTimeOffset now) => Until <= now || Until - now > Span;

    /// <summary>How long is left at <paramref name="now"/>: zero when due, never more than <see cref="Span"/>.</summary>
    public TimeSpan Remaining(DateTimeOffset now) => IsDue(now) ? TimeSpan.Zero : Until - now;
}
