using System.CommandLine;

namespace Worcr.Cli.Commands;

/// <summary>Options several commands share, defined once so their names and help read the same everywhere.</summary>
internal static class CommonOptions
{
    public const string DefaultServer = "http://127.0.0.1:7070";

    public static Option<string?> Postgres() => new("--postgres") { Description = "PostgreSQL connection string or postgres:// URL (env WORCR_POSTGRES)." };

    public static Option<string?> Redis() => new("--redis") { Description = "Redis URL, redis://host:port (env WORCR_REDIS)." };

    public static Option<string?> Schema() => new("--schema") { Description = "PostgreSQL schema for Worcr's tables (default worcr; env WORCR_SCHEMA)." };

    public static Option<int?> GrpcPort() => new("--grpc-port") { Description = "gRPC port for workers and producers (default 7070)." };

    public static Option<int?> HttpPort() => new("--http-port") { Description = "HTTP port for the admin API and health (default 7080)." };

    public static Option<string> Server() => new("--server")
    {
        Description = $"The node's gRPC address (default {DefaultServer}; env WORCR_SERVER).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("WORCR_SERVER") ?? DefaultServer,
    };

    public static Option<string?> ApiKey() => new("--api-key") { Description = "Producer API key (env WORCR_API_KEY; `worcr dev` writes its key to .worcr/dev.env)." };
}
