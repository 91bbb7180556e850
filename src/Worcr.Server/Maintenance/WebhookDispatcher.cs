using Microsoft.Extensions.Logging;
using Worcr.Postgres;

namespace Worcr.Server.Maintenance;

/// <summary>
/// Runs on every node: claims due outbox rows (FOR UPDATE SKIP LOCKED, so nodes share the work without
/// overlap), POSTs them in parallel, and records each attempt. While events keep coming it loops at once;
/// when none are due it looks again every <c>pollInterval</c>.
/// </summary>
internal sealed class WebhookDispatcher
{
    private const int BatchSize = 32;
    // Longer than the HTTP timeout, so a row is only claimed again when its node died mid-POST.
    private static readonly TimeSpan ClaimLease = WebhookSender.Timeout * 6;
    private readonly WebhookStore _store;
    private readonly TimeSpan _pollInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public WebhookDispatcher(WebhookStore store, TimeSpan pollInterval, TimeProvider time, ILogger logger)
    {
        _store = store;
        _pollInterval = pollInterval;
        _time = time;
        _logger = logger;
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var sender = new WebhookSender(_time);
        using var timer = new PeriodicTimer(_pollInterval, _time);
        try
        {
            while (true)
            {
                if (await DeliverDueAsync(sender, stoppingToken) == BatchSize) continue;
                await timer.WaitForNextTickAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One batch; returns how many events were attempted.</summary>
    public async Task<int> DeliverDueAsync(WebhookSender sender, CancellationToken ct)
    {
        try
        {
            var messages = await _store.ClaimDueAsync(BatchSize, ClaimLease, ct);
            await Task.WhenAll(messages.Select(message => DeliverAsync(sender, message, ct)));
            return messages.Count;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            WebhookLog.PassFailed(_logger, exception);
            return 0;
        }
    }

    private async Task DeliverAsync(WebhookSender sender, WebhookMessage message, CancellationToken ct)
    {
        var attempt = await sender.SendAsync(message, ct);
        if (!attempt.Succeeded)
        {
            WebhookLog.AttemptFailed(_logger, message.Subscription, message.Id, message.Event, message.Attempt, attempt.Error ?? $"HTTP {attempt.StatusCode}", attempt.RetryAfter);
        }
        await _store.RecordAttemptAsync(attempt, WebhookRetryPolicy.GiveUpAfter, ct);
    }
}
