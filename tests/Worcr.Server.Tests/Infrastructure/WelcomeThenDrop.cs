using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Worcr.Protocol.V1;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// Stands in front of a node's Workers.Connect as a broken node or proxy would: it reads the Hello, answers with a
/// Welcome, and ends the call at once (status OK), never reaching the node. Counts the streams opened. Installed on a
/// node through <see cref="AddTo"/>.
/// </summary>
internal sealed class WelcomeThenDrop : Interceptor
{
    private readonly Lock _lock = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waits = [];
    private int _streams;

    /// <summary>The streams welcomed and dropped so far.</summary>
    public int Streams => Volatile.Read(ref _streams);

    public void AddTo(IServiceCollection services)
    {
        services.AddSingleton(this);
        services.Configure<GrpcServiceOptions>(grpc => grpc.Interceptors.Add<WelcomeThenDrop>());
    }

    /// <summary>Completes once <paramref name="count"/> streams have been welcomed and dropped.</summary>
    public Task StreamsAsync(int count)
    {
        lock (_lock)
        {
            if (_streams >= count) return Task.CompletedTask;
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((count, reached));
            return reached.Task;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (!await requestStream.MoveNext(context.CancellationToken) || requestStream.Current is not WorkerMessage { Hello: not null })
        {
            return;
        }

        var welcome = new DispatcherMessage { Welcome = new Welcome { NodeId = "welcome-then-drop", AcksGoodbye = true } };
        await responseStream.WriteAsync((TResponse)(object)welcome);
        lock (_lock)
        {
            _streams++;
            foreach (var wait in _waits.Where(wait => wait.Count <= _streams)) wait.Reached.TrySetResult();
            _waits.RemoveAll(wait => wait.Count <= _streams);
        }
    }
}
