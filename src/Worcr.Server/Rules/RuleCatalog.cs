using Microsoft.Extensions.Logging;
using Worcr.Postgres;
using Worcr.Scripting;
using Worcr.Server.Hosting;

namespace Worcr.Server.Rules;

/// <summary>
/// The node's current <see cref="RuleBook"/>: rule files read once at start-up plus the database's rules,
/// reloaded whenever a rules NOTIFY arrives (a change on any node reaches every node within moments).
/// Readers take <see cref="Current"/> and use that book for one whole decision.
/// </summary>
internal sealed class RuleCatalog : IDisposable
{
    /// <summary>Scripts of a retired book are disposed this long after it stopped being current (decisions in flight finish first).</summary>
    private static readonly TimeSpan RetireDelay = TimeSpan.FromSeconds(30);
    private readonly RuleStore _store;
    private readonly IReadOnlyList<RuleSource> _files;
    private readonly SandboxLimits _limits;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    // Never disposed: no wait handle is ever made, and a reload still finishing when the node is disposed releases it.
    private readonly SemaphoreSlim _reloading = new(1, 1);
    // Books replaced but not yet disposed (their scripts hold native Lua states), and whether the catalog is disposed.
    private readonly HashSet<RuleBook> _retired = [];
    private bool _disposed;
    private volatile RuleBook _current = RuleBook.Empty;

    /// <param name="time">The clock of the weight rules' breakers (the system clock when null).</param>
    public RuleCatalog(RuleStore store, IReadOnlyList<RuleSource> files, SandboxLimits limits, ILogger logger, TimeProvider? time = null)
    {
        _store = store;
        _files = files;
        _limits = limits;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The node's metrics, for the trips of weight-rule breakers (set by the node).</summary>
    public Telemetry.NodeTelemetry? Telemetry { get; init; }

    public RuleBook Current => _current;

    /// <summary>Raised after each reload (changed or not), for tests.</summary>
    internal Hosting.RoundSignal Reloaded { get; } = new();

    public SandboxLimits Limits => _limits;

    /// <summary>Where database rules are kept (the admin API saves and deletes through it).</summary>
    public RuleStore Store => _store;

    /// <summary>The rule files read at start-up, for listings (their code is not in the book).</summary>
    public IReadOnlyList<RuleSource> Files => _files;

    /// <summary>Loads rule files from a directory (none when null or missing).</summary>
    public static IReadOnlyList<RuleSource> LoadFiles(string? directory) =>
        directory is not null && Directory.Exists(directory) ? RuleFileLoader.LoadDirectory(directory) : [];

    /// <summary>Re-reads the database's rules and swaps in a new book when anything changed.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await _reloading.WaitAsync(cancellationToken);
        try
        {
            var version = await _store.VersionAsync(cancellationToken);
            var stored = await _store.ListAsync(cancellationToken);
            // The current book is only replaced here, under _reloading: its breakers are the ones unchanged scripts carry on.
            var book = RuleBookBuilder.Build(_files, stored, version, _limits, _time, BreakerTripped, previous: _current);
            if (book.Version == _current.Version || !TrySwapIn(book, out var retired))
            {
                Dispose(book);
                return;
            }
            foreach (var broken in book.Entries.Where(e => e.Error is not null)) ServerLog.RuleNotLoaded(_logger, broken.Name, broken.Error!);
            ServerLog.RulesLoaded(_logger, book.Version, book.Entries.Count(e => e.Enabled && e.Error is null));
            _ = Task.Delay(RetireDelay, CancellationToken.None).ContinueWith(_ => DisposeRetired(retired), TaskScheduler.Default);
        }
        finally
        {
            _reloading.Release();
            Reloaded.Raise();
        }
    }

    /// <summary>A weight rule's breaker opened: logged and counted once per trip (the skipped calls are rule failures).</summary>
    private void BreakerTripped(RuleBreakerTrip trip)
    {
        ServerLog.RuleBreakerOpened(_logger, trip.RuleName, trip.Until, trip.Reason);
        Telemetry?.RuleBreakerTripped(trip.RuleName);
    }

    /// <summary>
    /// Makes the book current and keeps the one it replaces for disposal later; false once the catalog is disposed (a
    /// reload that finished after it), so every book is disposed exactly once.
    /// </summary>
    private bool TrySwapIn(RuleBook book, out RuleBook retired)
    {
        lock (_retired)
        {
            retired = _current;
            if (_disposed) return false;
            _retired.Add(retired);
            _current = book;
            return true;
        }
    }

    private void DisposeRetired(RuleBook book)
    {
        lock (_retired)
        {
            if (!_retired.Remove(book)) return;
        }
        Dispose(book);
    }

    private static void Dispose(RuleBook book)
    {
        foreach (var owned in book.Owned) owned.Dispose();
    }

    /// <summary>Disposes the current book and every retired one at once, rather than leaving them to their timers.</summary>
    public void Dispose()
    {
        RuleBook[] retired;
        lock (_retired)
        {
            if (_disposed) return;
            _disposed = true;
            retired = [.. _retired, _current];
            _retired.Clear();
        }
        foreach (var book in retired) Dispose(book);
    }
}
