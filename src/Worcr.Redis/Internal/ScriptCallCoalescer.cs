using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Worcr.Redis.Internal;

/// <summary>
/// Sends script calls made while others are in flight as one StackExchange.Redis batch: one socket write for all of
/// them instead of one per call. The library writes and flushes each command on its own, and on this kind of machine
/// that send was the largest part of a script call's client CPU (bench/RESULTS.md, "Redis script calls in
/// batches"). A call made when none is in flight goes straight out, so a lone caller pays no hand-over; the others
/// wait for a thread-pool item that sends everything queued by then. Each call keeps its own reply and its own error,
/// and calls made one after another by one caller reach Redis in that order.
/// </summary>
internal sealed class ScriptCallCoalescer
{
    private readonly IDatabase _database;
    private readonly ConcurrentQueue<PendingScriptCall> _waiting = new();
    private int _inFlight;
    private int _sending;
    private int _closed;

    [ThreadStatic]
    private static bool t_inSender;

    public ScriptCallCoalescer(IDatabase database)
    {
        _database = database;
    }

    /// <summary>Calls sent or waiting whose reply has not come back yet.</summary>
    internal int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The most calls one batch has carried (one write for all of them).</summary>
    internal int LargestBatch { get; private set; }

    public Task<RedisResult> EvaluateAsync(byte[] sha1, RedisKey[] keys, RedisValue[] args)
    {
        var call = new PendingScriptCall(sha1, keys, args, this);
        if (Interlocked.Increment(ref _inFlight) == 1)
        {
            SendAlone(call);
            return call.Reply.Task;
        }
        _waiting.Enqueue(call);
        if (Interlocked.CompareExchange(ref _sending, 1, 0) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(static coalescer => coalescer.SendWaiting(), this, preferLocal: false);
        return call.Reply.Task;
    }

    internal void Ended() => Interlocked.Decrement(ref _inFlight);

    /// <summary>
    /// Called before the connection closes: calls not yet sent fail now, and so does every later one. A batch handed
    /// to a closing multiplexer could otherwise be dropped without its calls ever ending. Calls already sent end as
    /// the closing connection fails them.
    /// </summary>
    public void Close()
    {
        Volatile.Write(ref _closed, 1);
        // A caller may close from a continuation the sender ran inline (a call that failed as it was sent): the sender
        // is then below us on this very stack, so waiting for it would never end; it fails what is left when it resumes.
        if (t_inSender) return;
        var wait = new SpinWait();
        while (Volatile.Read(ref _sending) == 1) wait.SpinOnce();
        FailWaiting();
    }

    private void FailWaiting()
    {
        var closed = new ObjectDisposedException(nameof(RedisConnection), "The Redis connection closed before this script call was sent.");
        while (_waiting.TryDequeue(out var call)) call.Fail(closed);
    }

    private void SendAlone(PendingScriptCall call)
    {
        try
        {
            call.Follow(_database.ScriptEvaluateAsync(call.Sha1, call.Keys, call.Args));
        }
        catch (Exception e)
        {
            call.Fail(e);
        }
    }

    private void SendWaiting()
    {
        while (true)
        {
            t_inSender = true;
            try
            {
                SendBatch();
            }
            finally
            {
                t_inSender = false;
            }
            Volatile.Write(ref _sending, 0);
            // A call queued after the last look but before the flag came down found the flag up and left it to us.
            if (_waiting.IsEmpty || Interlocked.CompareExchange(ref _sending, 1, 0) != 0) return;
        }
    }

    private void SendBatch()
    {
        if (Volatile.Read(ref _closed) == 1)
        {
            FailWaiting();
            return;
        }
        var calls = new List<PendingScriptCall>();
        while (_waiting.TryDequeue(out var call)) calls.Add(call);
        if (calls.Count == 0) return;
        var batch = _database.CreateBatch();
        var sent = new Task<RedisResult>?[calls.Count];
        for (var i = 0; i < calls.Count; i++) sent[i] = Add(batch, calls[i]);
        try
        {
            batch.Execute();
        }
        catch
        {
            // The library checks every call before it writes any (one whose keys span two Cluster slots makes the
            // whole batch throw), so nothing went out: each call goes again alone and gets its own outcome.
            for (var i = 0; i < calls.Count; i++)
            {
                if (sent[i] is not { } abandoned) continue;
                abandoned.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
                SendAlone(calls[i]);
            }
            return;
        }
        for (var i = 0; i < calls.Count; i++)
        {
            if (sent[i] is { } task) calls[i].Follow(task);
        }
        LargestBatch = Math.Max(LargestBatch, calls.Count);
    }

    /// <summary>Queues a call in the batch; one the library refuses as it is queued fails alone (null).</summary>
    private static Task<RedisResult>? Add(IBatch batch, PendingScriptCall call)
    {
        try
        {
            return batch.ScriptEvaluateAsync(call.Sha1, call.Keys, call.Args);
        }
        catch (Exception e)
        {
            call.Fail(e);
            return null;
        }
    }
}
