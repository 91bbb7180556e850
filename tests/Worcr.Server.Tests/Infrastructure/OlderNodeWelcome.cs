using System.Collections.Concurrent;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Worcr.Protocol.V1;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// Makes the node's Welcome on Workers.Connect look like one from a node that predates <c>Welcome.acks_goodbye</c>
/// (the flag cleared), and records every Goodbye workers send. Installed on a node through <see cref="AddTo"/>.
/// </summary>
internal sealed class OlderNodeWelcome : Interceptor
{
    private readonly ConcurrentQueue<WorkerMessage> _goodbyes = new();
    private readonly TaskCompletionSource _goodbyeRead = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The Goodbye messages read so far, with their request ids.</summary>
    public IReadOnlyCollection<WorkerMessage> Goodbyes => _goodbyes;

    /// <summary>Completes once the node has read a Goodbye.</summary>
    public Task GoodbyeRead => _goodbyeRead.Task;

    public void AddTo(IServiceCollection services)
    {
        services.AddSingleton(this);
        services.Configure<GrpcServiceOptions>(grpc => grpc.Interceptors.Add<OlderNodeWelcome>());
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new GoodbyeRecorder<TRequest>(requestStream, this), new WelcomeRewriter<TResponse>(responseStream), context);

    private sealed class GoodbyeRecorder<T>(IAsyncStreamReader<T> inner, OlderNodeWelcome owner) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!await inner.MoveNext(cancellationToken)) return false;
            if (inner.Current is WorkerMessage message)
            {
                foreach (var one in message.Batch?.Messages.Prepend(message) ?? [message])
                {
                    if (one.Goodbye is null) continue;
                    owner._goodbyes.Enqueue(one);
                    owner._goodbyeRead.TrySetResult();
                }
            }
            return true;
        }
    }

    private sealed class WelcomeRewriter<T>(IServerStreamWriter<T> inner) : IServerStreamWriter<T>
    {
        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        // The node passes a token; the interface's default for this overload refuses one.
        public Task WriteAsync(T message, CancellationToken cancellationToken) => WriteAsync(message);

        public Task WriteAsync(T message)
        {
            if (message is DispatcherMessage { Welcome: { } welcome }) welcome.AcksGoodbye = false;
            return inner.WriteAsync(message);
        }
    }
}
