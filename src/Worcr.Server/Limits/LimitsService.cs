using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Worcr.Core.Errors;
using Worcr.Core.Input;
using Worcr.Protocol.V1;
using Worcr.Redis.Limits;
using Worcr.Server.Identity;
using Worcr.Server.Telemetry;

namespace Worcr.Server.Limits;

/// <summary>
/// Workers.AcquireLimit: a worker asks, mid-job, for units of a rate limit ("may I call the payment API now?").
/// The key names a rate-mode limit or falls under one's match. With wait, the node itself waits (up to max_wait,
/// at most <see cref="MaxWait"/>) by sleeping until the limit's retry time, then asks again.
/// </summary>
internal sealed class LimitsService
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(1);
    private const long MaxCost = LimitValidator.MaxCapacity;

    /// <summary>
    /// A sliding window keeps one entry per unit granted, added one by one inside one Redis script: a cost of a million
    /// would hold Redis, and every node's heartbeats and locks with it, for about a second.
    /// </summary>
    public const long MaxSlidingWindowCost = 10_000;
    private readonly Authenticator _authenticator;
    private readonly NodeLimits _limits;
    private readonly TimeProvider _time;
    private readonly Telemetry.NodeTelemetry? _telemetry;
    private readonly RedisLimiter _limiter;

    public LimitsService(Authenticator authenticator, NodeLimits limits, TimeProvider time, Telemetry.NodeTelemetry? telemetry = null)
    {
        _authenticator = authenticator;
        _limits = limits;
        _limiter = limits.Limiter;
        _time = time;
        _telemetry = telemetry;
    }

    public async Task<AcquireLimitResponse> AcquireAsync(AcquireLimitRequest request, ServerCallContext context)
    {
        _authenticator.AuthenticateWorker("", context);
        var key = request.Key;
        if (key.Length is 0 or > LimitKeys.MaxKeyLength) throw WorcrError.InvalidArgument($"AcquireLimitRequest.key is required (at most {LimitKeys.MaxKeyLength} characters).");
        var cost = request.Cost == 0 ? 1 : request.Cost;
        if (cost is < 1 or > MaxCost) throw WorcrError.InvalidArgument($"AcquireLimitRequest.cost must be between 0 and {MaxCost}.");
        var limit = _limits.Catalog.Current.RateLimitFor(key)
            ?? throw WorcrError.NotFound($"No enabled rate limit is named {TextCheck.QuoteName(key, LimitKeys.MaxKeyLength)} or matches it; define one with mode \"rate\".");
        if (limit.Kind == LimitKind.SlidingWindow && cost > MaxSlidingWindowCost)
        {
            throw WorcrError.InvalidArgument($"AcquireLimitRequest.cost: at most {MaxSlidingWindowCost} on sliding_window limit '{limit.Name}' (it keeps one entry per unit granted).");
        }
        var counter = limit.CounterFor(key);
        // Measured on the monotonic clock: a wall clock stepped back would stretch the call's wait by the step.
        var started = _time.GetTimestamp();
        var patience = WaitOf(request);
        while (true)
        {
            var grant = await _limiter.AcquireAsync(counter, cost, allOrNothing: true, context.CancellationToken);
            if (grant.Impossible) throw WorcrError.InvalidArgument($"Cost {cost} is more than limit '{limit.Name}' ever grants at once.");
            if (grant.Granted > 0) return Answer(grant);
            if (_time.GetElapsedTime(started) + grant.RetryAfter > patience)
            {
                _telemetry?.LimitDenied(limit.Name);
                return Answer(grant);
            }
            await Task.Delay(grant.RetryAfter, _time, context.CancellationToken);
        }
    }

    /// <summary>
    /// How long to wait, checked before it is converted: Google.Protobuf throws (an UNKNOWN status, and an error in the
    /// log) on a Duration that is not normalized, one beyond ±10,000 years or with nanos out of range or of the other
    /// sign. Any longer wait is cut to <see cref="MaxWait"/> without converting it.
    /// </summary>
    private static TimeSpan WaitOf(AcquireLimitRequest request)
    {
        if (!request.Wait) return TimeSpan.Zero;
        if (request.MaxWait is not { } asked) return MaxWait;
        if (asked.Seconds < 0 || asked.Nanos < 0)
        {
            throw WorcrError.InvalidArgument($"AcquireLimitRequest.max_wait must not be negative (seconds {asked.Seconds}, nanos {asked.Nanos}).");
        }
        if (asked.Nanos > 999_999_999) throw WorcrError.InvalidArgument($"AcquireLimitRequest.max_wait: nanos {asked.Nanos} is more than a second.");
        if (asked.Seconds >= (long)MaxWait.TotalSeconds) return MaxWait;
        var wait = asked.ToTimeSpan();
        return wait > MaxWait ? MaxWait : wait;
    }

    private static AcquireLimitResponse Answer(LimitGrant grant) => new()
    {
        Granted = grant.Granted > 0,
        RetryAfter = grant.Granted > 0 ? null : Duration.FromTimeSpan(grant.RetryAfter),
        Remaining = grant.Remaining,
    };
}
