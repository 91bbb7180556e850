using Worcr.Worker;

namespace Worcr.Server.Tests.WorkerSdk;

/// <summary>
/// What a handler's own unit test would write: an <see cref="IJobContext"/> that records what the handler reported,
/// with no node and no stream behind it.
/// </summary>
internal sealed class FakeJobContext : IJobContext
{
    private readonly Dictionary<string, string> _checkpoints;

    public FakeJobContext(string argsJson, int attempt = 1, IReadOnlyDictionary<string, string>? checkpoints = null)
    {
        ArgsJson = argsJson;
        Attempt = attempt;
        _checkpoints = new Dictionary<string, string>(checkpoints ?? new Dictionary<string, string>());
    }

    public string JobId { get; init; } = "1";

    public int Attempt { get; }

    public int MaxAttempts { get; init; } = 3;

    public string Type { get; init; } = "test.count";

    public string Tenant { get; init; } = "acme";

    public IReadOnlyList<string> Tags { get; init; } = [];

    public string ArgsJson { get; }

    public IReadOnlyDictionary<string, string> Checkpoints => _checkpoints;

    public CancellationToken CancellationToken { get; init; }

    public List<(string Name, string Value)> SavedCheckpoints { get; } = [];

    public List<(string Name, long Current, long Total)> ReportedProgress { get; } = [];

    public List<(string Level, string Text)> LogLines { get; } = [];

    public Task CheckpointAsync(string name, string value)
    {
        SavedCheckpoints.Add((name, value));
        _checkpoints[name] = value;
        return Task.CompletedTask;
    }

    public Task ProgressAsync(string name, long current, long total = 0, string? text = null)
    {
        ReportedProgress.Add((name, current, total));
        return Task.CompletedTask;
    }

    public void Log(string level, string text) => LogLines.Add((level, text));

    public Task<LimitPermit> AcquireLimitAsync(string key, long cost = 1, bool wait = false, TimeSpan? maxWait = null, CancellationToken ct = default) =>
        Task.FromResult(new LimitPermit(Granted: true, RetryAfter: TimeSpan.Zero, Remaining: 0));
}
