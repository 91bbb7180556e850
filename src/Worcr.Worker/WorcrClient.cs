using System.Runtime.CompilerServices;
using Grpc.Core;
using Grpc.Net.Client;
using Worcr.Protocol.V1;
using Worcr.Worker.Internal;

namespace Worcr.Worker;

/// <summary>
/// The producer API: enqueue, read, cancel and watch jobs. One client holds one channel; create it once and reuse it.
/// Failed calls throw <see cref="RpcException"/> with the node's status.
/// </summary>
public sealed class WorcrClient : IDisposable
{
    /// <summary>The most jobs the node takes in one EnqueueBatch call.</summary>
    public const int MaxBatchSize = 10_000;

    private readonly GrpcChannel _channel;
    private readonly Jobs.JobsClient _jobs;
    private readonly Metadata? _headers;

    public WorcrClient(Uri address, string? apiKey = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        _channel = WorcrChannel.Create(address);
        _jobs = new Jobs.JobsClient(_channel);
        _headers = Authorization.BearerHeaders(apiKey);
    }

    /// <summary>Enqueues one job. A spec without a traceparent carries the current Activity's, so the job joins the caller's trace.</summary>
    public async Task<string> EnqueueAsync(JobSpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var response = await _jobs.EnqueueAsync(new EnqueueRequest { Job = Telemetry.WorkerActivities.WithTraceParent(spec) }, Options(ct));
        return response.JobId;
    }

    /// <summary>Enqueues a job whose args are <paramref name="args"/> serialised as JSON (camelCase).</summary>
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
    public async Task<IReadOnlyList<string>> EnqueueBatchAsync(IEnumerable<JobSpec> specs, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var ids = new List<string>();
        foreach (var chunk in specs.Chunk(MaxBatchSize))
        {
            var request = new EnqueueBatchRequest();
            request.Jobs.AddRange(chunk.Select(Telemetry.WorkerActivities.WithTraceParent));
            var response = await _jobs.EnqueueBatchAsync(request, Options(ct));
            ids.AddRange(response.Results.Select(result => result.JobId));
        }

        return ids;
    }

    public async Task<Job> GetAsync(string jobId, CancellationToken ct = default)
    {
        var response = await _jobs.GetAsync(new GetJobRequest { JobId = jobId }, Options(ct));
        return response.Job;
    }

    public async Task<CancelJobResponse> CancelAsync(string jobId, string? reason = null, CancellationToken ct = default) =>
        await _jobs.CancelAsync(new CancelJobRequest { JobId = jobId, Reason = reason ?? "" }, Options(ct));

    public async Task<RetryJobResponse> RetryAsync(string jobId, CancellationToken ct = default) =>
        await _jobs.RetryAsync(new RetryJobRequest { JobId = jobId }, Options(ct));

    /// <summary>
    /// Streams the events of the given jobs (all visible jobs when empty): each named job's current state first, then
    /// what happens live. Ends when every named job reached a final state, when cancelled, or when the node ends the call.
    /// </summary>
    public IAsyncEnumerable<JobEvent> WatchAsync(IEnumerable<string> jobIds, CancellationToken ct = default) =>
        WatchAsync(jobIds, tenant: null, ct);

    /// <summary>As <see cref="WatchAsync(IEnumerable{string}, CancellationToken)"/>, restricted to one tenant's jobs when <paramref name="tenant"/> is set.</summary>
    public async IAsyncEnumerable<JobEvent> WatchAsync(
        IEnumerable<string> jobIds, string? tenant, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var request = new WatchJobsRequest { Tenant = tenant ?? "" };
        request.JobIds.AddRange(jobIds ?? []);
        using var call = _jobs.Watch(request, Options(ct));
        await foreach (var jobEvent in call.ResponseStream.ReadAllAsync(ct))
        {
            yield return jobEvent;
        }
    }

    public void Dispose() => _channel.Dispose();

    private CallOptions Options(CancellationToken ct) => new(_headers, cancellationToken: ct);
}
