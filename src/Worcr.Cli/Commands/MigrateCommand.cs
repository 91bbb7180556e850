using System.CommandLine;
using Worcr.Postgres;
using Worcr.Server.Hosting;

namespace Worcr.Cli.Commands;

/// <summary>`worcr migrate`: apply pending database migrations and exit.</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var postgres = CommonOptions.Postgres();
        var schema = CommonOptions.Schema();
        var command = new Command("migrate", "Apply pending PostgreSQL migrations (safe while nodes run; nodes also migrate at start).") { postgres, schema };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = NodeConfiguration.Load();
            var url = parse.GetValue(postgres) ?? settings.PostgresUrl;
            if (string.IsNullOrEmpty(url))
            {
                Console.Error.WriteLine("migrate: pass --postgres URL or set WORCR_POSTGRES.");
                return 2;
            }
            await using var database = WorcrDatabase.Create(url, parse.GetValue(schema) ?? settings.Schema);
            await database.MigrateAsync(wait => Console.Error.WriteLine(
                $"migrate: migration {wait.Version} waited up to {wait.LockTimeout.TotalSeconds:0.#} s for a lock another session holds (a long transaction; see pg_stat_activity) and gave way so job traffic goes on; trying again in {wait.RetryIn.TotalSeconds:0.#} s (Ctrl-C stops)."),
                cancellationToken);
            Console.WriteLine($"Schema '{database.Schema}' is up to date.");
            return 0;
        });
        return command;
    }
}
