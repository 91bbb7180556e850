using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;
using Worcr.Worker.Internal;

namespace Worcr.Server.Tests.WorkerSdk;

/// <summary>
/// The reconnect wait doubles from 100 ms up to ReconnectMaxDelay and starts over only after a stable session (one
/// that stayed welcomed for ReconnectMaxDelay): a Welcome alone does not reset it, or a node that welcomes and drops
/// every stream would be reconnected to every 100 ms forever.
/// </summary>
public sealed partial class ReconnectBackoffTests
{
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(10);

    [Fact]
    public void Streams_dropped_right_after_their_Welcome_keep_doubling_the_wait_up_to_the_maximum()
    {
        var backoff = new ReconnectBackoff(Max, random: () => 1);
        var waits = new List<double>();
        for (var i = 0; i < 9; i++)
        {
            backoff.SessionEnded(Lost(welcomedFor: TimeSpan.FromMilliseconds(5)));
            waits.Add(backoff.NextDelay().TotalMilliseconds);
        }

        Assert.Equal([100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000], waits);
    }

    [Fact]
    public void A_session_that_stayed_welcomed_for_the_longest_delay_starts_the_doubling_over()
    {
        var backoff = new ReconnectBackoff(Max, random: () => 1);
        backoff.SessionEnded(Lost(welcomedFor: TimeSpan.Zero));
        backoff.NextDelay();
        backoff.SessionEnded(Lost(welcomedFor: Max - TimeSpan.FromMilliseconds(1)));
        Assert.Equal(TimeSpan.FromMilliseconds(200), backoff.NextDelay());

        backoff.SessionEnded(Lost(welcomedFor: Max));

        Assert.Equal(TimeSpan.FromMilliseconds(100), backoff.NextDelay());
    }

    [Fact]
    public void Refused_connections_double_the_wait_as_before()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(300), random: () => 1);
        var waits = new List<double>();
        for (var i = 0; i < 4; i++)
        {
            backoff.SessionEnded(new SessionEnd(SessionEndKind.Lost, Welcomed: false));
            waits.Add(backoff.NextDelay().TotalMilliseconds);
        }

        Assert.Equal([100, 200, 300, 300], waits);
    }

    [Fact]
    public async Task A_node_that_welcomes_and_drops_every_stream_is_reconnected_to_with_a_growing_wait()
    {
        var dropper = new WelcomeThenDrop();
        await using var cluster = await TestCluster.StartAsync(services: dropper.AddTo);
        var worker = new WorcrWorker(new WorkerOptions
        {
            Address = cluster.Nodes[0].GrpcAddress,
            WorkerId = $"w-{Guid.NewGuid():N}"[..12],
            // Longer than any of these streams lasts: none of them counts as stable.
            ReconnectMaxDelay = TimeSpan.FromMinutes(1),
        });
        worker.Handle("test.echo", _ => Task.FromResult(JobResult.Complete()));
        var waits = new ConcurrentQueue<double>();
        worker.Diagnostic += line =>
        {
            if (ReconnectingIn().Match(line) is { Success: true } match) waits.Enqueue(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        };
        await using var run = new RunningWorker(worker);

        await dropper.StreamsAsync(5).WaitAsync(TimeSpan.FromSeconds(60));
        await run.StopAsync();

        // Each wait up to 20 % shorter than 100 ms · 2^n: 80–100, 160–200, 320–400, 640–800 ms.
        var first = waits.Take(4).ToArray();
        Assert.True(first.Length == 4, $"expected four waits announced, got [{string.Join(", ", waits)}]");
        for (var n = 0; n < 4; n++)
        {
            var ceiling = 100 * Math.Pow(2, n);
            Assert.True(first[n] >= 0.8 * ceiling - 1 && first[n] <= ceiling + 1,
                $"wait {n + 1} was {first[n]} ms, not 80–100 % of {ceiling} ms; the waits: [{string.Join(", ", first)}] ms");
        }
    }

    private static SessionEnd Lost(TimeSpan welcomedFor) => new(SessionEndKind.Lost, Welcomed: true, WelcomedFor: welcomedFor);

    [GeneratedRegex(@"reconnecting in (\d+) ms")]
    private static partial Regex ReconnectingIn();
}
