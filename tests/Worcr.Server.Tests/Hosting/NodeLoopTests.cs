using Microsoft.Extensions.Logging.Abstractions;
using Worcr.Server.Hosting;

namespace Worcr.Server.Tests.Hosting;

/// <summary>A node's loop runs its body however soon the node stops, so its last steps (final flushes) always happen.</summary>
public sealed class NodeLoopTests
{
    [Fact]
    public async Task A_loop_stopped_right_after_it_started_still_runs_its_last_steps()
    {
        // Since .NET 10 a BackgroundService hands its body to Task.Run with the stopping token: stopped before the
        // thread pool reached it, the body never ran. A few hundred starts and stops find that race on any machine.
        var finished = 0;
        for (var i = 0; i < 300; i++)
        {
            using var loop = new NodeLoop("test loop", async stoppingToken =>
            {
                await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                Interlocked.Increment(ref finished);
            }, NullLogger.Instance);
            await loop.StartAsync(CancellationToken.None);
            await loop.StopAsync(CancellationToken.None);
        }

        Assert.Equal(300, finished);
    }

    [Fact]
    public async Task A_loop_that_fails_ends_alone_and_stopping_it_afterwards_returns()
    {
        using var loop = new NodeLoop("failing loop", _ => throw new InvalidOperationException("broken"), NullLogger.Instance);
        await loop.StartAsync(CancellationToken.None);
        await loop.ExecuteTask!;

        await loop.StopAsync(CancellationToken.None);

        Assert.True(loop.ExecuteTask.IsCompletedSuccessfully);
    }
}
