using Npgsql;
using NpgsqlTypes;
using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>Terse, explicitly typed parameters: arrays sent to unnest() must carry their PostgreSQL type.</summary>
internal static class CommandExtensions
{
    public static NpgsqlCommand With(this NpgsqlCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, NpgsqlDbType type, object? value)
    {
        command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
        return command;
    }

    public static NpgsqlCommand WithArray(this NpgsqlCommand command, string name, NpgsqlDbType elementType, Array values) =>
        command.With(name, NpgsqlDbType.Array | elementType, values);

    /// <summary>@worker_id and @node_id, both NULL without a holder (the SQL then skips the holder fence).</summary>
    public static NpgsqlCommand WithHolder(this NpgsqlCommand command, LeaseHolder? holder) =>
        command.With("worker_id", NpgsqlDbType.Text, holder?.WorkerId).With("node_id", NpgsqlDbType.Text, holder?.NodeId);
}
