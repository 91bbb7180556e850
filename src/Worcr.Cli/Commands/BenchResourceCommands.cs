using System.CommandLine;
using System.Security.Cryptography;
using Worcr.Cli.Bench;
using Worcr.Postgres;

namespace Worcr.Cli.Commands;

/// <summary>The benchmarks of a node's resources: `bench startup` (start to serving) and `bench backlog` (a million jobs waiting).</summary>
internal static class BenchResourceCommands
{
    public static Command Startup()
    {
        var (postgres, redis, runs, timeout) = BenchCommand.SharedOptions();
        runs.DefaultValueFactory = _ => 5;
        var cli = new Option<string?>("--cli") { Description = "The worcr.dll or native worcr executable to start (another tree's build, the Native AOT build, to compare); default: this one." };
        var command = new Command("startup", "Start `worcr serve` against running PostgreSQL and Redis and an already migrated schema; ms until /healthz and grpc.health.v1 answer, one start per run.")
        {
            cli, postgres, redis, runs, timeout,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = BenchCommand.Settings(parse, postgres, redis, runs, timeout);
            var other = parse.GetValue(cli);
            if (other is not null && !File.Exists(other)) throw new FileNotFoundException($"--cli: no file '{other}'.", other);
            Console.Error.WriteLine("bench: starting PostgreSQL (fsync on) and Redis...");
            await using var services = await BenchServices.StartAsync(settings, cancellationToken);
            // A restart is the common start: the schema is current, so the node's migration step finds nothing to do.
            await using var database = WorcrDatabase.Create(services.PostgresUrl, "startup_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
            await database.MigrateAsync(cancellationToken);
            try
            {
                var benchmark = new StartupBenchmark(settings.Timeout, other is null ? null : Path.GetFullPath(other));
                return await BenchRunner.RunInProcessAsync(settings.Runs, StartupBenchmark.Parameters,
                    () => benchmark.RunOnceAsync(services.PostgresUrl, services.RedisUrl, database.Schema, cancellationToken));
            }
            finally
            {
                await using var drop = database.DataSource.CreateCommand($"DROP SCHEMA IF EXISTS {database.Schema} CASCADE");
                await drop.ExecuteNonQueryAsync(CancellationToken.None);
            }
        });
        return command;
    }

    public static Command Backlog()
    {
        var waiting = new Option<int>("--waiting") { Description = "Jobs already waiting (a type no worker serves) before the workload starts.", DefaultValueFactory = _ => 1_000_000 };
        var jobs = new Option<int>("--jobs") { Description = "Jobs to enqueue and process.", DefaultValueFactory = _ => 20_000 };
        var concurrency = new Option<int>("--concurrency") { Description = "The worker's concurrency.", DefaultValueFactory = _ => 64 };
        var idle = new Option<int>("--idle-workers") { Description = "Idle workers (a type nobody enqueues, each on its own connection) connected to the node in both variants." };
        var (postgres, redis, runs, timeout) = BenchCommand.SharedOptions();
        var command = new Command("backlog", "The throughput workload on empty tables and with --waiting jobs already waiting, alternately; prints both and the ratios.")
        {
            waiting, jobs, concurrency, idle, postgres, redis, runs, timeout,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            if (parse.GetValue(waiting) < 1) throw new ArgumentOutOfRangeException(nameof(waiting), parse.GetValue(waiting), "--waiting must be at least 1.");
            if (parse.GetValue(idle) < 0) throw new ArgumentOutOfRangeException(nameof(idle), parse.GetValue(idle), "--idle-workers must not be negative.");
            return ThroughputComparisons.BacklogAsync(BenchCommand.Settings(parse, postgres, redis, runs, timeout), parse.GetValue(jobs), parse.GetValue(concurrency),
                parse.GetValue(waiting), parse.GetValue(idle), cancellationToken);
        });
        return command;
    }
}
