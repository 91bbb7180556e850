using Npgsql;
using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>Jobs in one state, for tests and metrics (may scan).</summary>
internal sealed class JobCounter(NpgsqlDataSource dataSource, SchemaSql sql)
{
    private readonly string _liveSql = sql.Format("SELECT count(*) FROM __schema__.jobs WHERE state = @state");
    private readonly string _finishedSql = sql.Format("SELECT count(*) FROM __schema__.job_history WHERE state = @state");

    public async Task<long> CountAsync(JobState state, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(state.IsFinal() ? _finishedSql : _liveSql).With("state", state.ToName());
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
