using Npgsql;
using Worcr.Core.Caching;
using Worcr.Core.Errors;
using Worcr.Core.Input;

namespace Worcr.Server.JobTypes;

/// <summary>
/// The job types this installation knows: declared in configuration, or registered by a worker's Hello
/// (stored in PostgreSQL, so every node knows them). Enqueueing an unknown type is refused, because a
/// misspelt type would otherwise wait forever for a worker that will never come.
/// </summary>
internal sealed class JobTypeRegistry
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;
    private readonly bool _acceptUnknown;
    private readonly BoundedCache<string, bool> _known = new(10_000, StringComparer.Ordinal); // a forgotten type is read again
    private readonly JobTypeSettingsTable _settingsTable;
    private readonly JobTypeSettingsCache _settings;

    /// <param name="time">The clock that ages the cached settings (<see cref="JobTypeSettingsCache.Ttl"/>): the node's, so a test can advance it.</param>
    public JobTypeRegistry(NpgsqlDataSource dataSource, string schema, bool acceptUnknown, TimeProvider time)
    {
        _dataSource = dataSource;
        _schema = schema;
        _acceptUnknown = acceptUnknown;
        _settingsTable = new JobTypeSettingsTable(dataSource, schema);
        _settings = new JobTypeSettingsCache(_settingsTable, time);
    }

    /// <summary>The type's settings (cached, see <see cref="JobTypeSettingsCache"/>); <see cref="JobTypeSettings.None"/> for an unconfigured type.</summary>
    public ValueTask<JobTypeSettings> SettingsAsync(string type, CancellationToken cancellationToken) => _settings.GetAsync(type, cancellationToken);

    public Task<IReadOnlyList<JobTypeRow>> ListAsync(CancellationToken cancellationToken) => _settingsTable.ReadAllAsync(cancellationToken);

    /// <summary>Stores the type's settings (declaring the type if it was unknown); this node uses them at once.</summary>
    public async Task<JobTypeRow> SaveSettingsAsync(string type, JobTypeSettings settings, CancellationToken cancellationToken)
    {
        var row = await _settingsTable.SaveAsync(type, settings, cancellationToken);
        _settings.Invalidate();
        _known.Set(type, true);
        return row;
    }

    public async Task RegisterAsync(IEnumerable<string> types, CancellationToken cancellationToken)
    {
        var fresh = types.Where(t => !_known.TryGet(t, out _)).Distinct(StringComparer.Ordinal).ToArray();
        if (fresh.Length == 0) return;
        await using var command = _dataSource.CreateCommand(
            $"INSERT INTO \"{_schema}\".job_types (name) SELECT unnest(@names) ON CONFLICT (name) DO NOTHING");
        command.Parameters.AddWithValue("names", fresh);
        await command.ExecuteNonQueryAsync(cancellationToken);
        foreach (var type in fresh) _known.Set(type, true);
    }

    public async Task RequireKnownAsync(string type, string field, CancellationToken cancellationToken)
    {
        if (_acceptUnknown || _known.TryGet(type, out _)) return;
        await using var command = _dataSource.CreateCommand($"SELECT 1 FROM \"{_schema}\".job_types WHERE name = @name");
        command.Parameters.AddWithValue("name", type);
        if (await command.ExecuteScalarAsync(cancellationToken) is not null)
        {
            _known.Set(type, true);
            return;
        }
        throw WorcrError.Conflict($"{field}: unknown job type {TextCheck.QuoteName(type, InputLimits.MaxTypeLength)}. No worker for it has ever connected and it is not declared; declare it with --job-type {type} (or WORCR_JOB_TYPES), or connect a worker that handles it.");
    }
}
