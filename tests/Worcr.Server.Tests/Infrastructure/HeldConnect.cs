using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Worcr.Protocol.V1;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// Holds back what the node writes on its first Workers.Connect call, as a slow network would, until the test calls
/// <see cref="Release"/>: everything from the Welcome on, or (<paramref name="fromFirstAssign"/>) from the first
/// Assign on. The node goes on as if each message had left. Installed on a node through <see cref="AddTo"/>.
/// </summary>
internal sealed class HeldConnect(bool fromFirstAssign = false) : Interceptor
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _assignHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ackHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _callEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _fromFirstAssign = fromFirstAssign;
    private int _calls;

    /// <summary>Completes once the node has written an Assign on the held call.</summary>
    public Task AssignHeld => _assignHeld.Task;

    /// <summary>Completes once the node has written an Ack on the held call while holding it.</summary>
    public Task AckHeld => _ackHeld.Task;

    /// <summary>Completes when the held call's handler has returned (the worker left, or cut the stream).</summary>
    public Task CallEnded => _callEnded.Task;

    /// <summary>Lets what was held through, in order, and every later write as it comes.</summary>
    public void Release() => _released.TrySetResult();

    public void AddTo(IServiceCollection services)
    {
        services.AddSingleton(this);
        services.Configure<GrpcServiceOptions>(grpc => grpc.Interceptors.Add<HeldConnect>());
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (Interlocked.Increment(ref _calls) != 1)
        {
            await continuation(requestStream, responseStream, context);
            return;
        }

        try
        {
            await continuation(requestStream, new HeldWriter<TResponse>(responseStream, this), context);
        }
        finally
        {
            _callEnded.TrySetResult();
        }
    }

    private sealed class HeldWriter<T>(IServerStreamWriter<T> inner, HeldConnect owner) : IServerStreamWriter<T>
    {
        private readonly Lock _lock = new();
        private Task _written = Task.CompletedTask;
        private bool _holding = !owner._fromFirstAssign;

        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        // The node passes a token; the interface's default for this overload refuses one.
        public Task WriteAsync(T message, CancellationToken cancellationToken) => WriteAsync(message);

        public Task WriteAsync(T message)
        {
            lock (_lock)
            {
                var sent = message as DispatcherMessage;
                if (sent is not null && Carries(sent, m => m.Assign is not null))
                {
                    _holding = true;
                    owner._assignHeld.TrySetResult();
                }
                if (_holding && sent is not null && Carries(sent, m => m.Ack is not null)) owner._ackHeld.TrySetResult();
                _written = WriteAfterAsync(_written, message, _holding);
                // While held the node is told the message left; otherwise it waits for the real write.
                return _holding && !owner._released.Task.IsCompleted ? Task.CompletedTask : _written;
            }
        }

        private async Task WriteAfterAsync(Task earlier, T message, bool held)
        {
            await earlier;
            if (held) await owner._released.Task;
            await inner.WriteAsync(message);
        }

        private static bool Carries(DispatcherMessage message, Func<DispatcherMessage, bool> kind) =>
            kind(message) || (message.Batch?.Messages.Any(kind) ?? false);
    }
}
