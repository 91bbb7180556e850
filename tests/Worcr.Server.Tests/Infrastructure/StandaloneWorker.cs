using Worcr.Worker;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>Workers a test builds itself, for settings <see cref="TestCluster.StartWorker"/> does not offer (a token, a grace).</summary>
internal static class StandaloneWorker
{
    /// <param name="finalAnswerWait">How long its leave waits for each of the node's last answers (the SDK's 5 s when null).</param>
    public static WorcrWorker Create(Uri node, string? token = null, int concurrency = 8, TimeSpan? shutdownGrace = null, string? id = null,
        TimeSpan? finalAnswerWait = null)
    {
        var options = new WorkerOptions
        {
            Address = node,
            Concurrency = concurrency,
            Token = token,
            WorkerId = id ?? $"w-{Guid.NewGuid():N}"[..12],
            ShutdownGrace = shutdownGrace ?? TimeSpan.FromSeconds(5),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
        };
        if (finalAnswerWait is { } wait) options.FinalAnswerWait = wait;
        return new WorcrWorker(options);
    }

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
