using Microsoft.Extensions.Logging;
using Worcr.Postgres;
using Worcr.Server.Hosting;

namespace Worcr.Server.Limits;

/// <summary>
/// The node's current limit definitions: rules/limits.json plus the limits table (a stored definition replaces
/// the file's of the same name). Reloaded on the {schema}_limits NOTIFY, so a change is live on every node.
/// </summary>
internal sealed class LimitCatalog
{
    private readonly IReadOnlyList<LimitDefinition> _fromFile;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private volatile LimitSet _current = LimitSet.Empty;

    public LimitCatalog(LimitStore store, IReadOnlyList<LimitDefinition> fromFile, ILogger logger)
    {
        Store = store;
        _fromFile = fromFile;
        _logger = logger;
    }

    public LimitStore Store { get; }

    public LimitSet Current => _current;

    /// <summary>Raised after each reload, for tests.</summary>
    internal Hosting.RoundSignal Reloaded { get; } = new();

    /// <summary>Raised after a reload made a new set live (the gate forgets parked lanes then).</summary>
    public event Action? Changed;

    public bool IsFromFile(string name) => _fromFile.Any(l => l.Name == name);

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await _reloading.WaitAsync(cancellationToken);
        try
        {
            var byName = _fromFile.ToDictionary(l => l.Name, StringComparer.Ordinal);
            foreach (var record in await Store.ListAsync(cancellationToken))
            {
                var (limit, error) = LimitValidator.Check(record);
                if (limit is null) LimitLog.NotLoaded(_logger, record.Name, error!);
                else byName[limit.Name] = limit;
            }
            _current = new LimitSet(byName.Values.OrderBy(l => l.Name, StringComparer.Ordinal).ToArray());
            LimitLog.Loaded(_logger, byName.Count);
        }
        finally
        {
            _reloading.Release();
        }
        Changed?.Invoke();
        Reloaded.Raise();
    }
}
