using System.Text.Json.Nodes;
using Worcr.Worker;

namespace Worcr.Cli.Dev;

/// <summary>The worker `worcr dev` runs: echoes its arguments, or counts with progress and checkpoints.</summary>
internal static class DemoWorker
{
    public const string EchoType = "demo.echo";
    public const string CountType = "demo.count";

    public static WorcrWorker Create(Uri address, string token) =>
        new WorcrWorker(new WorkerOptions { Address = address, Token = token, Tags = ["demo"], Concurrency = 4 })
            .Handle(EchoType, context => Task.FromResult<JobResult>(new JobResult.Completed(context.ArgsJson)))
            .Handle(CountType, CountAsync);

    private static async Task<JobResult> CountAsync(IJobContext context)
    {
        var n = System.Text.Json.JsonDocument.Parse(context.ArgsJson).RootElement.TryGetProperty("n", out var value) ? value.GetInt32() : 10;
        var start = context.Checkpoints.TryGetValue("done", out var done) ? int.Parse(done, System.Globalization.CultureInfo.InvariantCulture) : 0;
        for (var i = start + 1; i <= n; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), context.CancellationToken);
            await context.CheckpointAsync("done", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await context.ProgressAsync("counted", i, n);
            context.Log("info", $"counted {i} of {n}");
        }
        return new JobResult.Completed(new JsonObject { ["counted"] = n }.ToJsonString());
    }
}
