namespace Worcr.Postgres;

/// <summary>
/// How one POST went. <paramref name="StatusCode"/> is null when no response came (timeout, refused);
/// <paramref name="RetryAfter"/> is when to try again if it did not succeed.
/// </summary>
public sealed record WebhookAttempt(WebhookMessage Message, int? StatusCode, string? Error, TimeSpan Duration, TimeSpan RetryAfter)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}
