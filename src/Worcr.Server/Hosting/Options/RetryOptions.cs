namespace Worcr.Server.Hosting;

/// <summary>Attempts and backoff when neither the enqueue call, the job type nor a rule says.</summary>
public sealed class RetryOptions
{
    /// <summary>Attempts a job gets when neither its enqueue call nor a rule says. Default 5.</summary>
    public int DefaultMaxAttempts { get; set; } = 5;

    /// <summary>Delay before the first retry; doubles with each failure (with jitter). Default 5 s.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest delay between retries. Default 1 h.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);
}

internal sealed class RetryOptionsValidator : SettingsValidator<RetryOptions>
{
    public override IEnumerable<string> Problems(RetryOptions options)
    {
        if (options.DefaultMaxAttempts < 1) yield return "DefaultMaxAttempts must be at least 1.";
        if (options.RetryBaseDelay <= TimeSpan.Zero || options.RetryMaxDelay < options.RetryBaseDelay)
        {
            yield return "RetryBaseDelay must be positive and RetryMaxDelay at least as long.";
        }
    }
}
