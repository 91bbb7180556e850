namespace Worcr.Scripting.Internal;

/// <summary>
/// A small pool of single-threaded script instances (a Lua state, a JS engine), so one rule can be
/// called from several threads at once. Instances are made on demand; at most <c>capacity</c> idle ones
/// are kept, and one that <c>reusable</c> turns down is disposed instead of kept. A plain lock: it is held
/// only to push or pop, never while a script runs.
/// </summary>
internal sealed class InstancePool<T>(Func<T> create, int capacity, Func<T, bool>? reusable = null) : IDisposable
    where T : class, IDisposable
{
    private readonly Stack<T> _idle = new();
    private readonly Lock _gate = new();
    private bool _disposed;

    public static int DefaultCapacity => Math.Max(2, Environment.ProcessorCount);

    /// <summary>Puts an instance built elsewhere (e.g. during compilation) into the pool.</summary>
    public void Add(T instance) => Return(instance);

    public TResult Use<TResult>(Func<T, TResult> work)
    {
        var instance = Take() ?? create();
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
        List<T> idle;
        lock (_gate)
        {
            _disposed = true;
            idle = [.. _idle];
            _idle.Clear();
        }

        idle.ForEach(instance => instance.Dispose());
    }

    private T? Take()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _idle.TryPop(out var instance) ? instance : null;
        }
    }

    private void Return(T instance)
    {
        lock (_gate)
        {
            if (!_disposed && _idle.Count < capacity && (reusable is null || reusable(instance)))
            {
                _idle.Push(instance);
                return;
            }
        }

        instance.Dispose(); // pool full, disposed or instance worn: do not keep (or leak) the native state
    }
}
