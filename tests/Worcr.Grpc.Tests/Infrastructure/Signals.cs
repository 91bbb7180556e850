using System.Collections.Concurrent;

namespace Worcr.Grpc.Tests.Infrastructure;

/// <summary>Lets the test service report what it saw, so tests await an event instead of sleeping.</summary>
public sealed class Signals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _signals = new();

    public void Set(string id, string value) => Get(id).TrySetResult(value);

    public Task<string> WaitAsync(string id) => Get(id).Task.WaitAsync(TimeSpan.FromSeconds(15));

    private TaskCompletionSource<string> Get(string id) =>
        _signals.GetOrAdd(id, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
}
