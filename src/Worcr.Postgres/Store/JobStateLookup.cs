using Npgsql;
using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>The current state of a job wherever it lives, to explain a rejected (stale) request.</summary>
internal sealed class JobStateLookup(NpgsqlDataSource dataSource, SchemaSql sql)
{
    private const string StateSql = """
        SELECT state FROM __schema__.jobs WHERE id = @id
        UNION ALL
        SELECT state FROM __schema__.job_history WHERE id = @id
        LIMIT 1
        """;

    private readonly string _stateSql = sql.Format(StateSql);

    public async Task<JobState?> GetAsync(long jobId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(_stateSql).With("id", jobId);
        return await command.ExecuteScalarAsync(ct) is string state ? JobStates.Parse(state) : null;
    }
}
