using Microsoft.Extensions.Logging;
using Worcr.Postgres;

namespace Worcr.Server.Maintenance;

/// <summary>
/// Runs on every node: claims due outbox rows (FOR UPDATE SKIP LOCKED, so nodes share the work without overlap),
/// POSTs them, and records each attempt. Up to <see cref="Slots"/> attempts are in flight at once, and a slot is
/// filled again as soon as it frees: an attempt that waits for its receiver's full timeout holds only its own slot.
/// One subscription has at most <see cref="PerSubscription"/> of them, so a receiver that answers slowly or never
/// (and the retries piling up behind it) cannot hold up the others' events. While events keep coming it claims at
/// once; otherwise it looks again every <c>pollInterval</c>, or when an attempt ends.
/// </summary>
internal sealed class WebhookDispatcher
{
    private const int Slots = 32;
    private const int PerSubscription = 8;
    private static readonly TimeSpan RecordPatience = TimeSpan.FromSeconds(5);
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
        var inFlight = new Dictionary<Task, string>();
        Task<bool>? tick = null;
        try
        {
            while (true)
            {
                var free = Slots - inFlight.Count;
                var claim = free > 0 ? await ClaimAsync(free, inFlight, stoppingToken) : NothingClaimed;
                foreach (var message in claim.Messages) inFlight.Add(DeliverAsync(sender, message, stoppingToken), message.Subscription);
                // A claim that looked at as many rows as it could has more behind it, even if it gave few to send (rows
                // given up, held for a disabled subscription, or over a subscription's room): look again at once, or
                // those rows would hold back newer events of other subscriptions by a poll interval per claim. Each
                // such pass sends, gives up or holds rows, or fills a subscription's room, so it cannot spin.
                if (claim.Scanned > 0 && claim.Scanned == free) continue;

                // One tick wait at a time: a PeriodicTimer allows no second one while the first is pending.
                tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
                var ended = await Task.WhenAny(inFlight.Keys.Append<Task>(tick));
                if (ended == tick)
                {
                    await tick;
                    tick = null;
                }
                foreach (var done in inFlight.Keys.Where(t => t.IsCompleted).ToArray()) inFlight.Remove(done);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await Task.WhenAll(inFlight.Keys).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static readonly WebhookClaim NothingClaimed = new([], 0);

    private async Task<WebhookClaim> ClaimAsync(int free, Dictionary<Task, string> inFlight, CancellationToken ct)
    {
        try
        {
            var bySubscription = inFlight.Values.GroupBy(s => s, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            return await _store.ClaimDueAsync(free, ClaimLease, PerSubscription, bySubscription, ct);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            WebhookLog.PassFailed(_logger, exception);
            return NothingClaimed;
        }
    }

    /// <summary>One attempt, recorded; never throws but for the node stopping (a failure is logged, and the row comes due again after its claim).</summary>
    private async Task DeliverAsync(WebhookSender sender, WebhookMessage message, CancellationToken ct)
    {
        try
        {
            var attempt = await sender.SendAsync(message, ct);
            if (!attempt.Succeeded)
            {
                WebhookLog.AttemptFailed(_logger, message.Subscription, message.Id, message.Event, message.Attempt, attempt.Error ?? $"HTTP {attempt.StatusCode}", attempt.RetryAfter);
            }
            // Recorded even when the node is stopping by now: the receiver has answered, and an attempt not recorded is
            // sent again once its claim lapses. Bounded, so a stop waits no longer than this for it.
            using var recording = new CancellationTokenSource(RecordPatience);
            await _store.RecordAttemptAsync(attempt, WebhookRetryPolicy.GiveUpAfter, recording.Token);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            WebhookLog.PassFailed(_logger, exception);
        }
    }
}
