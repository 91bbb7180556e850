using System.Data.Common;

namespace Worcr.Postgres;

/// <summary>The columns every schedule query returns, and how to read them.</summary>
internal static class CronScheduleSql
{
    public const string Columns =
        "name, expression, time_zone, job_type, tenant, tags, args::text, weight, max_attempts, enabled, origin, " +
        "next_fire_at, last_fired_at, last_tick_at, last_job_id, last_fired_by, updated_at, failures, last_error, retry_at";

    /// <param name="first">Ordinal of the first schedule column (queries may put other columns before them).</param>
    public static CronScheduleRecord Read(DbDataReader reader, int first = 0)
    {
        var f = first;
        var job = new CronJobTemplate(reader.GetString(f + 3), reader.GetString(f + 4), reader.GetFieldValue<string[]>(f + 5), reader.GetString(f + 6), reader.GetDouble(f + 7),
            reader.IsDBNull(f + 8) ? null : reader.GetInt32(f + 8));
        var definition = new CronScheduleDefinition(reader.GetString(f), reader.GetString(f + 1), reader.GetString(f + 2), job, reader.GetBoolean(f + 9), reader.GetString(f + 10));
        return new CronScheduleRecord(definition, reader.GetTimeOrNull(f + 11), reader.GetTimeOrNull(f + 12), reader.GetTimeOrNull(f + 13),
            reader.IsDBNull(f + 14) ? null : reader.GetInt64(f + 14), reader.GetStringOrNull(f + 15), reader.GetTime(f + 16),
            reader.GetInt32(f + 17), reader.GetStringOrNull(f + 18), reader.GetTimeOrNull(f + 19));
    }

    public static async Task<List<CronScheduleRecord>> ReadAllAsync(DbDataReader reader, CancellationToken ct)
    {
        var records = new List<CronScheduleRecord>();
        while (await reader.ReadAsync(ct)) records.Add(Read(reader));
        return records;
    }
}
