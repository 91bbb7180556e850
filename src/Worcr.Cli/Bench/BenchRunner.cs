namespace Worcr.Cli.Bench;

/// <summary>
/// Runs a workload the asked number of times against one set of services, printing a JSON line per run and a
/// summary line (median, min, max) at the end. Progress and diagnostics go to stderr, results to stdout.
/// </summary>
internal static class BenchRunner
{
    public delegate Task<IReadOnlyDictionary<string, double>> RunOnce(BenchServices services, CancellationToken cancellationToken);

    public static async Task<int> RunAsync(BenchSettings settings, JsonLine parameters, RunOnce runOnce, CancellationToken cancellationToken)
    {
        if (settings.Runs < 1) throw new ArgumentOutOfRangeException(nameof(settings), settings.Runs, "--runs must be at least 1.");
        Console.Error.WriteLine("bench: starting PostgreSQL (fsync on) and Redis...");
        await using var services = await BenchServices.StartAsync(settings, cancellationToken);
        return await RunEachAsync(settings.Runs, parameters, () => runOnce(services, cancellationToken));
    }

    /// <summary>Several workloads (e.g. one per fairness strategy) one after the other, against one set of services.</summary>
    public static async Task<int> RunAllAsync(BenchSettings settings, IReadOnlyList<(JsonLine Parameters, RunOnce RunOnce)> workloads, CancellationToken cancellationToken)
    {
        if (settings.Runs < 1) throw new ArgumentOutOfRangeException(nameof(settings), settings.Runs, "--runs must be at least 1.");
        Console.Error.WriteLine("bench: starting PostgreSQL (fsync on) and Redis...");
        await using var services = await BenchServices.StartAsync(settings, cancellationToken);
        foreach (var (parameters, runOnce) in workloads) await RunEachAsync(settings.Runs, parameters, () => runOnce(services, cancellationToken));
        return 0;
    }

    /// <summary>The same for a workload that needs no servers (e.g. rules, in process).</summary>
    public static Task<int> RunInProcessAsync(int runs, JsonLine parameters, Func<IReadOnlyDictionary<string, double>> runOnce) =>
        RunInProcessAsync(runs, parameters, () => Task.FromResult(runOnce()));

    /// <summary>The same for an asynchronous workload whose servers the caller manages (e.g. redis).</summary>
    public static Task<int> RunInProcessAsync(int runs, JsonLine parameters, Func<Task<IReadOnlyDictionary<string, double>>> runOnce)
    {
        if (runs < 1) throw new ArgumentOutOfRangeException(nameof(runs), runs, "--runs must be at least 1.");
        return RunEachAsync(runs, parameters, runOnce);
    }

    private static async Task<int> RunEachAsync(int runs, JsonLine parameters, Func<Task<IReadOnlyDictionary<string, double>>> runOnce)
    {
        var results = new List<IReadOnlyDictionary<string, double>>();
        for (var run = 1; run <= runs; run++)
        {
            Console.Error.WriteLine($"bench: run {run} of {runs}...");
            var figures = await runOnce();
            results.Add(figures);
            Console.Out.WriteLine(RunLine(parameters, run, figures));
        }
        if (runs > 1) Console.Out.WriteLine(RunSummary.Summarise(parameters, results));
        return 0;
    }

    internal static JsonLine RunLine(JsonLine parameters, int run, IReadOnlyDictionary<string, double> figures)
    {
        var line = new JsonLine();
        foreach (var (name, value) in parameters.Fields) line.Add(name, value);
        line.Add("run", run);
        foreach (var (name, value) in figures) line.Add(name, value);
        return line;
    }
}
