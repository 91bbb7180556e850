using Worcr.LocalServices;

namespace Worcr.Redis.Tests;

/// <summary>
/// Test projects run side by side, each starting its own servers on ports found free a moment earlier; a server that
/// lost its port to a neighbour in between must start on another one instead of failing the run.
/// </summary>
public sealed class FreePortTests
{
    [Fact]
    public async Task A_start_that_lost_its_port_to_another_process_is_tried_again_on_another_port()
    {
        var tried = new List<int>();

        var started = await FreePort.StartOnFreePortAsync(port =>
        {
            tried.Add(port);
            return tried.Count == 1
                ? throw new InvalidOperationException($"postgres exited with code 1 before it was ready. Its last output:\ncould not bind IPv4 address \"127.0.0.1\": Address already in use")
                : Task.FromResult(port);
        });

        Assert.Equal(2, tried.Count);
        Assert.Equal(tried[1], started);
    }

    [Fact]
    public async Task Any_other_start_failure_is_not_retried()
    {
        var tries = 0;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => FreePort.StartOnFreePortAsync<int>(_ =>
        {
            tries++;
            throw new InvalidOperationException("initdb: could not create directory: Permission denied");
        }));

        Assert.Equal(1, tries);
        Assert.Contains("Permission denied", error.Message);
    }

    [Fact]
    public async Task A_port_lost_every_time_fails_after_a_few_tries_with_the_servers_own_message()
    {
        var tries = 0;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => FreePort.StartOnFreePortAsync<int>(_ =>
        {
            tries++;
            throw new InvalidOperationException("bind: Address already in use");
        }));

        Assert.InRange(tries, 2, 10);
        Assert.Contains("Address already in use", error.Message);
    }
}
