using Worcr.Worker;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>Proves a node still serves after something went wrong: a normal enqueue and read succeed.</summary>
internal static class NodeProbe
{
    public static async Task AssertStillServesAsync(WorcrClient client)
    {
        var id = await client.EnqueueAsync("test.echo", "acme", new { probe = true });
        var job = await client.GetAsync(id);
        Assert.Equal(id, job.Id);
    }
}
