using System.CommandLine;
using Worcr.Cli.Dev;

namespace Worcr.Cli.Commands;

/// <summary>`worcr dev`: everything on one machine, for real.</summary>
internal static class DevCommand
{
    public static Command Create()
    {
        var postgres = CommonOptions.Postgres();
        var redis = CommonOptions.Redis();
        var grpcPort = CommonOptions.GrpcPort();
        var httpPort = CommonOptions.HttpPort();
        var noDemo = new Option<bool>("--no-demo") { Description = "Start no demo worker and no demo jobs." };
        var dataDirectory = new Option<string>("--data")
        {
            Description = "Where the local PostgreSQL and Redis keep their data (default ./.worcr).",
            DefaultValueFactory = _ => Path.Combine(Environment.CurrentDirectory, ".worcr"),
        };
        var command = new Command("dev", "Run Worcr on this machine: PostgreSQL and Redis as child processes (unless URLs are given), a node, a demo worker and demo jobs. Ctrl-C stops everything.")
        {
            postgres, redis, grpcPort, httpPort, noDemo, dataDirectory,
        };
        command.SetAction((parse, cancellationToken) => new DevEnvironment(new DevSettings(
            PostgresUrl: parse.GetValue(postgres) ?? Environment.GetEnvironmentVariable("WORCR_POSTGRES"),
            RedisUrl: parse.GetValue(redis) ?? Environment.GetEnvironmentVariable("WORCR_REDIS"),
            GrpcPort: parse.GetValue(grpcPort) ?? 7070,
            HttpPort: parse.GetValue(httpPort) ?? 7080,
            Demo: !parse.GetValue(noDemo),
            DataDirectory: parse.GetValue(dataDirectory)!)).RunAsync(cancellationToken));
        return command;
    }
}
