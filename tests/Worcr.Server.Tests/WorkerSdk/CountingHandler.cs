using System.Globalization;
using Worcr.Worker;

namespace Worcr.Server.Tests.WorkerSdk;

/// <summary>The args of <see cref="CountingHandler"/>.</summary>
internal sealed record CountArgs(int N);

/// <summary>A scoped service, to prove a handler class gets a fresh scope per attempt.</summary>
internal sealed class AttemptScope : IDisposable
{
    public bool Disposed { get; private set; }

    public void Dispose() => Disposed = true;
}

/// <summary>Every <see cref="AttemptScope"/> the container made (a singleton of the test's host).</summary>
internal sealed class AttemptScopes
{
    private readonly List<AttemptScope> _made = [];

    public AttemptScope Make()
    {
        var scope = new AttemptScope();
        lock (_made) _made.Add(scope);
        return scope;
    }

    public AttemptScope[] Made()
    {
        lock (_made) return [.. _made];
    }
}

/// <summary>
/// A handler class as an app would write one: counts to args.n from its last checkpoint, with progress; refuses
/// a negative n for good (it would be refused on every attempt).
/// </summary>
internal sealed class CountingHandler(AttemptScope scope) : IJobHandler<CountArgs>
{
    public async Task<JobResult> HandleAsync(CountArgs args, IJobContext context, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(scope.Disposed, scope);
        if (args.N < 0) throw new JobFailedException($"n must not be negative (got {args.N})", retryable: false);
        var start = context.Checkpoints.TryGetValue("step", out var saved) ? int.Parse(saved, CultureInfo.InvariantCulture) : 0;
        for (var step = start + 1; step <= args.N; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await context.ProgressAsync("steps", step, args.N);
            await context.CheckpointAsync("step", step.ToString(CultureInfo.InvariantCulture));
        }

        context.Log("info", $"counted to {args.N} from {start}");
        return JobResult.Complete(new { counted = args.N, from = start });
    }
}
