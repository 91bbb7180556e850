using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Grpc.Core;
using Grpc.Net.Client;
using Worcr.Protocol.V1;
using Worcr.Worker.Internal;

namespace Worcr.Worker;

/// <summary>
/// The producer API: enqueue, read, cancel and watch jobs. One client holds one channel; create it once and reuse it.
/// A call the node refuses (or that cannot reach it) throws <see cref="WorcrNodeException"/>; one cancelled through
/// its token throws <see cref="OperationCanceledException"/>. Jobs and events are the contract's own messages
/// (<c>worcr.v1</c>), the same in every language.
/// </summary>
public sealed class WorcrClient : IDisposable
{
    /// <summary>The most jobs the node takes in one EnqueueBatch call.</summary>
    public const int MaxBatchSize = 10_000;

    private readonly GrpcChannel _channel;
    private readonly Jobs.JobsClient _jobs;
    private readonly Metadata? _headers;

    /// <summary>Creates a client of the node (or load balancer) at <paramref name="address"/>.</summary>
    /// <param name="address">http:// (h2c) or https:// address of the node's gRPC port.</param>
    /// <param name="apiKey">The producer's API key, sent as "authorization: Bearer"; null when the node needs none.</param>
    public WorcrClient(Uri address, string? apiKey = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        _channel = WorcrChannel.Create(address);
        _jobs = new Jobs.JobsClient(_channel);
        _headers = Authorization.BearerHeaders(apiKey);
    }

    /// <summary>Enqueues one job. A spec without a traceparent carries the current Activity's, so the job joins the caller's trace.</summary>
    /// <param name="spec">The job.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The new job's id (or the existing job's, for a unique key already taken).</returns>
    [SuppressMessage("ApiDesign", "RS0026", Justification = "Overloads that predate API tracking; callers rely on both.")]
    public async Task<string> EnqueueAsync(JobSpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var request = new EnqueueRequest { Job = Telemetry.WorkerActivities.WithTraceParent(spec) };
        var response = await NodeErrors.TranslateAsync(() => _jobs.EnqueueAsync(request, Options(ct)).ResponseAsync, ct);
        return response.JobId;
    }

    /// <summary>Enqueues a job whose args are <paramref name="args"/> serialised as JSON (camelCase).</summary>
    /// <param name="type">The job type.</param>
    /// <param name="tenant">The tenant the job belongs to.</param>
    /// <param name="args">The args, serialised as JSON; none when null.</param>
    /// <param name="tags">The job's tags.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The new job's id.</returns>
    [SuppressMessage("ApiDesign", "RS0026", Justification = "Overloads that predate API tracking; callers rely on both.")]
    [RequiresUnreferencedCode(WorcrJson.ReflectionWarning)]
    [RequiresDynamicCode(WorcrJson.ReflectionWarning)]
    public Task<string> EnqueueAsync(
        string type, string tenant, object? args = null, IEnumerable<string>? tags = null, CancellationToken ct = default)
    {
        var spec = new JobSpec { Type = type, Tenant = tenant, ArgsJson = WorcrJson.Serialize(args) };
        spec.Tags.AddRange(tags ?? []);
        return EnqueueAsync(spec, ct);
    }

    /// <summary>
    /// Enqueues jobs in calls of at most <see cref="MaxBatchSize"/>; returns the ids in input order.
    /// Each call is atomic on its own: if a later call fails, the earlier ones stay enqueued.
    /// </summary>
    /// <param name="specs">The jobs.</param>
    /// <param name="ct">Cancels the calls not yet made (and the one in flight).</param>
    /// <returns>The jobs' ids, in the order of <paramref name="specs"/>.</returns>
    public async Task<IReadOnlyList<string>> EnqueueBatchAsync(IEnumerable<JobSpec> specs, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var ids = new List<string>();
        foreach (var chunk in specs.Chunk(MaxBatchSize))
        {
            var request = new EnqueueBatchRequest();
            request.Jobs.AddRange(chunk.Select(Telemetry.WorkerActivities.WithTraceParent));
            var response = await NodeErrors.TranslateAsync(() => _jobs.EnqueueBatchAsync(request, Options(ct)).ResponseAsync, ct);
            ids.AddRange(response.Results.Select(result => result.JobId));
        }

        return ids;
    }

    /// <summary>Reads a job: its state, attempts, checkpoints, progress and result.</summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The job as stored.</returns>
    /// <exception cref="WorcrNodeException"><see cref="WorcrErrorCode.NotFound"/> when there is no such job (or the key may not see it).</exception>
    public async Task<Job> GetAsync(string jobId, CancellationToken ct = default)
    {
        var request = new GetJobRequest { JobId = jobId };
        var response = await NodeErrors.TranslateAsync(() => _jobs.GetAsync(request, Options(ct)).ResponseAsync, ct);
        return response.Job;
    }

    /// <summary>Cancels a job: a waiting one at once, a running one by asking its worker to stop.</summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="reason">Why, stored with the job.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>Whether the job was cancelled, and its state.</returns>
    public Task<CancelJobResponse> CancelAsync(string jobId, string? reason = null, CancellationToken ct = default)
    {
        var request = new CancelJobRequest { JobId = jobId, Reason = reason ?? "" };
        return NodeErrors.TranslateAsync(() => _jobs.CancelAsync(request, Options(ct)).ResponseAsync, ct);
    }

    /// <summary>Runs a dead or cancelled job again, with fresh attempts.</summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The job's state after the retry.</returns>
    public Task<RetryJobResponse> RetryAsync(string jobId, CancellationToken ct = default)
    {
        var request = new RetryJobRequest { JobId = jobId };
        return NodeErrors.TranslateAsync(() => _jobs.RetryAsync(request, Options(ct)).ResponseAsync, ct);
    }

    /// <summary>
    /// Streams the events of the given jobs (all visible jobs when empty): each named job's current state first, then
    /// what happens live. Ends when every named job reached a final state, when cancelled, or when the node ends the call.
    /// </summary>
    /// <param name="jobIds">The jobs to watch; all the caller may see when empty.</param>
    /// <param name="ct">Ends the watch.</param>
    /// <returns>The events, as they happen.</returns>
    [SuppressMessage("ApiDesign", "RS0026", Justification = "Overloads that predate API tracking; callers rely on both.")]
    public IAsyncEnumerable<JobEvent> WatchAsync(IEnumerable<string> jobIds, CancellationToken ct = default) =>
        WatchAsync(jobIds, tenant: null, ct);

    /// <summary>As <see cref="WatchAsync(IEnumerable{string}, CancellationToken)"/>, restricted to one tenant's jobs when <paramref name="tenant"/> is set.</summary>
    /// <param name="jobIds">The jobs to watch; all of the tenant's (or all the caller may see) when empty.</param>
    /// <param name="tenant">Only this tenant's jobs; null for no restriction.</param>
    /// <param name="ct">Ends the watch.</param>
    /// <returns>The events, as they happen.</returns>
    [SuppressMessage("ApiDesign", "RS0026", Justification = "Overloads that predate API tracking; callers rely on both.")]
    public async IAsyncEnumerable<JobEvent> WatchAsync(
        IEnumerable<string> jobIds, string? tenant, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var request = new WatchJobsRequest { Tenant = tenant ?? "" };
        request.JobIds.AddRange(jobIds ?? []);
        using var call = _jobs.Watch(request, Options(ct));
        while (true)
        {
            // A yield cannot sit inside a try with a catch: read inside it, hand the event out after it.
            try
            {
                if (!await call.ResponseStream.MoveNext(ct))
                {
                    yield break;
                }
            }
            catch (RpcException error)
            {
                throw NodeErrors.From(error, ct);
            }

            yield return call.ResponseStream.Current;
        }
    }

    /// <summary>Closes the channel; calls in flight fail.</summary>
    public void Dispose() => _channel.Dispose();

    private CallOptions Options(CancellationToken ct) => new(_headers, cancellationToken: ct);
}
