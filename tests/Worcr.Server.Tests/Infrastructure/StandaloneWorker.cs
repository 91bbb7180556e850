using Worcr.Worker;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>Workers a test builds itself, for settings <see cref="TestCluster.StartWorker"/> does not offer (a token, a grace).</summary>
internal static class StandaloneWorker
{
    public static WorcrWorker Create(Uri node, string? token = null, int concurrency = 8, TimeSpan? shutdownGrace = null, string? id = null) =>
        new(new WorkerOptions
        {
            Address = node,
            Concurrency = concurrency,
            Token = token,
            WorkerId = id ?? $"w-{Guid.NewGuid():N}"[..12],
            ShutdownGrace = shutdownGrace ?? TimeSpan.FromSeconds(5),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
        });

    /// <summary>Completes the first time the worker reports a diagnostic containing <paramref name="text"/>.</summary>
    public static Task SaidAsync(this WorcrWorker worker, string text)
    {
        var said = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        worker.Diagnostic += line =>
        {
            if (line.Contains(text, StringComparison.Ordinal)) said.TrySetResult();
        };
        return said.Task;
    }
}
