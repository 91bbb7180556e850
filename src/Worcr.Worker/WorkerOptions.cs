using Worcr.Core.Input;

namespace Worcr.Worker;

/// <summary>
/// How a <see cref="WorcrWorker"/> connects and behaves. Validated when the worker is created (and, with
/// <c>AddWorcrWorker</c>, when the host starts).
/// </summary>
public sealed class WorkerOptions
{
    /// <summary>The highest <see cref="Concurrency"/> accepted (with <see cref="Prefetch"/>, the node's bound on a worker's capacity).</summary>
    public const int MaxConcurrency = ReportLimits.MaxCapacity;

    private static int s_instances;

    /// <summary>The node (or load balancer) address, http:// or https://. Required.</summary>
    public required Uri Address { get; set; }

    /// <summary>
    /// Further nodes, tried in turn after <see cref="Address"/> when a stream is lost (a node killed or unreachable):
    /// each lost stream moves the worker to the next address, so its jobs go on elsewhere while the node is down.
    /// Empty by default (a load balancer's address needs none).
    /// </summary>
    public IReadOnlyList<Uri> OtherAddresses { get; set; } = [];

    /// <summary>Unique among connected workers; defaults to "host:pid:n" (n counts options created in this process).</summary>
    public string WorkerId { get; set; } =
        $"{Environment.MachineName}:{Environment.ProcessId}:{Interlocked.Increment(ref s_instances)}";

    /// <summary>
    /// The worker's tags, matched by rules: at most 32, each 1 to 100 characters (no NUL), as the node accepts in its
    /// Hello; a tag's spaces at either end are trimmed by the node.
    /// </summary>
    public IReadOnlyList<string> Tags { get; set; } = [];

    /// <summary>Jobs run at once. Default 8.</summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>
    /// Jobs the worker takes ahead of a free slot, queued here until a running one ends, so the next job is already
    /// here when a handler returns instead of a round trip to the node away (about 1–3 ms per job, which short jobs
    /// feel). The node counts them as running on this worker: they hold their lease and their concurrency-limit
    /// permits meanwhile, and a job cancelled while queued ends without its handler being called. Default 0 (none):
    /// every job the worker holds is running, and the node's dispatch decides each job as late as it can.
    /// </summary>
    public int Prefetch { get; set; }

    /// <summary>Worker token, sent in Hello and as "authorization: Bearer &lt;token&gt;"; null when the node needs none.</summary>
    public string? Token { get; set; }

    /// <summary>On shutdown or drain, how long running jobs may take to finish before they are cancelled and yielded. Default 30 s.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest wait between reconnect attempts (the backoff doubles from 100 ms up to this). Default 10 s. The
    /// doubling starts over only after a stream that stayed up at least this long after its Welcome, so a node (or
    /// proxy) that welcomes and drops every stream at once gets at most about one stream per this delay.
    /// </summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a leave waits for each of the node's last answers: its Welcome (when stopped before it), the Ack of the
    /// Goodbye, the Acks of the jobs yielded at the end, the end of the stream. Five seconds; internal, for the tests that
    /// hold those answers back on purpose, so that a busy machine's pause is not taken for a node that does not answer.
    /// </summary>
    internal TimeSpan FinalAnswerWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws an <see cref="ArgumentException"/> that names the wrong setting and how to fix it.</summary>
    /// <exception cref="ArgumentException">A setting is wrong.</exception>
    public void Validate()
    {
        if (Address is null || (Address.Scheme != Uri.UriSchemeHttp && Address.Scheme != Uri.UriSchemeHttps))
        {
            throw Invalid(nameof(Address), $"must be an absolute http:// or https:// URI (got '{Address}').");
        }

        if (OtherAddresses is null || OtherAddresses.Any(a => a is null || !a.IsAbsoluteUri || (a.Scheme != Uri.UriSchemeHttp && a.Scheme != Uri.UriSchemeHttps)))
        {
            throw Invalid(nameof(OtherAddresses), "must be a list of absolute http:// or https:// URIs (use an empty list for none).");
        }

        if (string.IsNullOrWhiteSpace(WorkerId))
        {
            throw Invalid(nameof(WorkerId), "must not be empty; leave it unset for the default host:pid:n.");
        }

        // The node's own rule for Hello.worker_id: past it the node refuses every connect with INVALID_ARGUMENT.
        if (TextCheck.Problem(WorkerId, "WorkerOptions.WorkerId", ReportLimits.MaxNameLength) is { } idProblem)
        {
            throw new ArgumentException($"{idProblem} The node refuses a worker with such an id.", nameof(WorkerId));
        }

        if (Tags is null || Tags.Any(string.IsNullOrWhiteSpace))
        {
            throw Invalid(nameof(Tags), "must be a list of non-empty tags (use an empty list for none).");
        }

        // The node's own rule for Hello.tags: past it the node refuses every connect with INVALID_ARGUMENT.
        if (WorkerTagCheck.Problem(Tags, "WorkerOptions.Tags") is { } tagProblem)
        {
            throw new ArgumentException($"{tagProblem} The node refuses a worker with such tags.", nameof(Tags));
        }

        if (Concurrency is < 1 or > MaxConcurrency)
        {
            throw Invalid(nameof(Concurrency), $"must be between 1 and {MaxConcurrency} (got {Concurrency}).");
        }

        if (Prefetch < 0 || Prefetch > MaxConcurrency - Concurrency)
        {
            throw Invalid(nameof(Prefetch), $"must be between 0 and {MaxConcurrency} minus Concurrency, {MaxConcurrency - Concurrency} here (got {Prefetch}).");
        }

        if (ShutdownGrace < TimeSpan.Zero)
        {
            throw Invalid(nameof(ShutdownGrace), $"must not be negative (got {ShutdownGrace}).");
        }

        if (ReconnectMaxDelay <= TimeSpan.Zero)
        {
            throw Invalid(nameof(ReconnectMaxDelay), $"must be positive (got {ReconnectMaxDelay}).");
        }
    }

    private static ArgumentException Invalid(string field, string problem) =>
        new($"WorkerOptions.{field} {problem}", field);
}
