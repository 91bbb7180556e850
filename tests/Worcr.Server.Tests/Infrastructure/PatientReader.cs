using Grpc.Core;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// Reads a stream's replies one at a time, each within a patience: a reply that never comes fails the test with a
/// TimeoutException instead of hanging the whole run.
/// </summary>
internal sealed class PatientReader<T>(IAsyncEnumerable<T> replies, TimeSpan patience) : IAsyncEnumerator<T>
{
    private readonly IAsyncEnumerator<T> _replies = replies.GetAsyncEnumerator();
    private Task<bool>? _pending;

    public T Current => _replies.Current;

    public async ValueTask<bool> MoveNextAsync()
    {
        _pending = _replies.MoveNextAsync().AsTask();
        try
        {
            return await _pending.WaitAsync(patience);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The node sent nothing within {patience.TotalSeconds} s.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A read still pending (it outlived its patience) ends when the call is disposed; the reader cannot be disposed under it.
        if (_pending is { IsCompleted: false }) return;
        await _replies.DisposeAsync();
    }
}

internal static class PatientReading
{
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromSeconds(30);

    /// <summary>The call's replies, each awaited at most <paramref name="patience"/> (default 30 s).</summary>
    public static PatientReader<TResponse> ReadPatiently<TRequest, TResponse>(this AsyncDuplexStreamingCall<TRequest, TResponse> call, TimeSpan? patience = null) =>
        new(call.ResponseStream.ReadAllAsync(), patience ?? DefaultPatience);
}
