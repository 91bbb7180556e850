using System.Runtime.InteropServices;

namespace Worcr.Cli.Hosting;

/// <summary>
/// Ctrl-C and SIGTERM as a cancellation token, so commands can stop gracefully (drain workers, stop child
/// processes) instead of being killed. A second signal exits at once.
/// </summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration[] _registrations;

    public ShutdownSignal()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    public CancellationToken Token => _source.Token;

    /// <summary>Completes when a shutdown signal arrives or <paramref name="cancellationToken"/> fires.</summary>
    public static async Task WaitAsync(CancellationToken cancellationToken)
    {
        using var signal = new ShutdownSignal();
        using var either = CancellationTokenSource.CreateLinkedTokenSource(signal.Token, cancellationToken);
        await Task.Delay(Timeout.Infinite, either.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (_source.IsCancellationRequested) return; // a second signal: let the default handler end the process
        context.Cancel = true;
        _source.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _source.Dispose();
    }
}
