namespace Worcr.Worker;

/// <summary>
/// Everything a handler knows about its job, and how it reports progress, checkpoints and log lines. The SDK passes
/// its own implementation; a handler's unit test can pass a fake instead.
/// </summary>
public interface IJobContext
{
    /// <summary>The job's id.</summary>
    string JobId { get; }

    /// <summary>1 for the first run; resume from <see cref="Checkpoints"/> when greater.</summary>
    int Attempt { get; }

    /// <summary>The attempts the job may use in all; the last one's failure makes it dead.</summary>
    int MaxAttempts { get; }

    /// <summary>The job's type, the key its handler was registered under.</summary>
    string Type { get; }

    /// <summary>The tenant the job belongs to.</summary>
    string Tenant { get; }

    /// <summary>The job's tags.</summary>
    IReadOnlyList<string> Tags { get; }

    /// <summary>The job's args as JSON ("{}" when it has none); <see cref="JobContextExtensions.Args{T}(IJobContext)"/> reads them as a type.</summary>
    string ArgsJson { get; }

    /// <summary>Checkpoints saved by earlier attempts, plus those this attempt saved.</summary>
    IReadOnlyDictionary<string, string> Checkpoints { get; }

    /// <summary>Cancelled when the node cancels the job, when the shutdown grace ends, or when the stream is lost.</summary>
    CancellationToken CancellationToken { get; }

    /// <summary>Saves a checkpoint and returns once the node has stored it durably; the next attempt sees it in <see cref="Checkpoints"/>.</summary>
    /// <param name="name">The checkpoint's name; saving a name again replaces its value.</param>
    /// <param name="value">The value, e.g. the last step done.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or longer than 200 characters, or
    /// <paramref name="value"/> is over 64 KiB of UTF-8: the node's limits. Nothing was sent.</exception>
    /// <remarks>
    /// A checkpoint applies to this attempt only: the node stores it only while this attempt still runs on this
    /// worker's stream, so a handler whose attempt was taken away can never overwrite what a later attempt saved.
    /// Once <see cref="CancellationToken"/> has fired, the attempt is no longer this handler's (the node cancelled it,
    /// the shutdown grace ended and the SDK yielded it, or the stream was lost), so nothing is sent.
    /// </remarks>
    /// <exception cref="WorcrNodeException">The node refused it: <see cref="WorcrErrorCode.Unavailable"/> when PostgreSQL
    /// was unavailable (nothing was saved; the attempt still runs, so the handler may save it again later, carry on
    /// without it, or fail the attempt), <see cref="WorcrErrorCode.FailedPrecondition"/> otherwise (e.g. the attempt is stale).</exception>
    /// <exception cref="OperationCanceledException"><see cref="CancellationToken"/> fired, before the checkpoint was
    /// sent (nothing was sent) or while waiting for the node's answer (it may have been stored for this attempt), or
    /// the stream was lost; the job is abandoned.</exception>
    Task CheckpointAsync(string name, string value);

    /// <summary>
    /// Reports a progress counter. Fire and forget: the latest value per counter is sent, at most a few times a second;
    /// nothing once <see cref="CancellationToken"/> has fired (the node accepts no report of a stopped attempt).
    /// </summary>
    /// <param name="name">The counter's name.</param>
    /// <param name="current">How far it is.</param>
    /// <param name="total">Where it ends; 0 when unknown.</param>
    /// <param name="text">A short description of the current step, if any.</param>
    Task ProgressAsync(string name, long current, long total = 0, string? text = null);

    /// <summary>Ships a log line for this attempt. Fire and forget; nothing once <see cref="CancellationToken"/> has fired.</summary>
    /// <param name="level">"debug", "info", "warn" or "error".</param>
    /// <param name="text">The line; only its first 8,192 characters are sent, as the node keeps no more.</param>
    void Log(string level, string text);

    /// <summary>Asks the node for a rate-limit permit, e.g. before calling a payment API (Workers.AcquireLimit).</summary>
    /// <param name="key">The limit key, matched by the node's limit rules.</param>
    /// <param name="cost">The units this call uses.</param>
    /// <param name="wait">True to let the node wait (up to <paramref name="maxWait"/>) for a permit instead of refusing at once.</param>
    /// <param name="maxWait">The longest the node may wait when <paramref name="wait"/> is true.</param>
    /// <param name="ct">Cancels the request.</param>
    /// <exception cref="WorcrNodeException">The node refused the request (e.g. no rate limit covers the key: <see cref="WorcrErrorCode.NotFound"/>).</exception>
    Task<LimitPermit> AcquireLimitAsync(string key, long cost = 1, bool wait = false, TimeSpan? maxWait = null, CancellationToken ct = default);
}
