using System.Collections.Concurrent;

namespace Worcr.Scripting.Internal;

/// <summary>
/// A small pool of single-threaded script instances (a Lua state, a JS engine), so one rule can be
/// called from several threads at once. Instances are made on demand; at most <c>capacity</c> idle ones are kept.
/// </summary>
internal sealed class InstancePool<T>(Func<T> create, int capacity) : IDisposable
    where T : class, IDisposable
{
    private readonly ConcurrentBag<T> _idle = [];
    private volatile bool _disposed;

    public static int DefaultCapacity => Math.Max(2, Environment.ProcessorCount);

    /// <summary>Puts an instance built elsewhere (e.g. during compilation) into the pool.</summary>
    public void Add(T instance) => Return(instance);

    public TResult Use<TResult>(Func<T, TResult> work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var instance = _idle.TryTake(out var idle) ? idle : create();
        try
        {
            return work(instance);
        }
        finally
        {
            Return(instance);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var instance))
        {
            instance.Dispose();
        }
    }

    private void Return(T instance)
    {
        if (_disposed || _idle.Count >= capacity)
        {
            instance.Dispose();
            return;
        }

        _idle.Add(instance);
        if (_disposed && _idle.TryTake(out var late))
        {
            late.Dispose(); // Dispose raced with this return: do not leak the native state.
        }
    }
}
