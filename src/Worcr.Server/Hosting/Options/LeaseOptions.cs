namespace Worcr.Server.Hosting;

/// <summary>How long a worker holds a job without news, and how long a stopping node waits for its workers.</summary>
public sealed class LeaseOptions
{
    /// <summary>A job whose lease is not renewed within this time goes back to waiting. Default 30 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often workers must send a heartbeat. Default 10 s (a third of the lease).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// On a graceful stop, how long workers get to finish or yield their jobs before the node exits. Sent to them
    /// as the Drain deadline. Default 20 s; keep it under the orchestrator's termination grace period.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);
}

internal sealed class LeaseOptionsValidator : SettingsValidator<LeaseOptions>
{
    public override IEnumerable<string> Problems(LeaseOptions options)
    {
        if (options.LeaseDuration < TimeSpan.FromMilliseconds(100)) yield return "LeaseDuration must be at least 100 ms.";
        if (options.HeartbeatInterval <= TimeSpan.Zero || options.HeartbeatInterval >= options.LeaseDuration)
        {
            yield return "HeartbeatInterval must be positive and shorter than LeaseDuration (a third of it is a good choice).";
        }
        if (options.DrainTimeout < TimeSpan.Zero) yield return "DrainTimeout must not be negative.";
    }
}
