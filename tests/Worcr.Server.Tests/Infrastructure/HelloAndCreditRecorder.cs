using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Worcr.Protocol.V1;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// Records, per Workers.Connect stream in the order they opened, the Hello and the credits granted by Credit messages
/// (batched ones included), as the node reads them. Installed on a node through <see cref="AddTo"/>.
/// </summary>
internal sealed class HelloAndCreditRecorder : Interceptor
{
    private readonly Lock _lock = new();
    private readonly List<RecordedStream> _streams = [];
    private readonly List<(Func<bool> Condition, TaskCompletionSource Met)> _waits = [];

    /// <summary>What one stream said: its Hello and the sum of its Credit.n so far.</summary>
    public sealed record RecordedStream(Hello Hello)
    {
        public int Credits { get; set; }
    }

    public void AddTo(IServiceCollection services)
    {
        services.AddSingleton(this);
        services.Configure<GrpcServiceOptions>(grpc => grpc.Interceptors.Add<HelloAndCreditRecorder>());
    }

    /// <summary>Completes with the <paramref name="number"/>th stream (1 for the first) once its Hello was read.</summary>
    public async Task<RecordedStream> StreamAsync(int number)
    {
        await UntilAsync(() => _streams.Count >= number);
        lock (_lock) return _streams[number - 1];
    }

    /// <summary>Completes once the stream has granted at least <paramref name="credits"/> credits by Credit messages.</summary>
    public Task CreditsAsync(RecordedStream stream, int credits) => UntilAsync(() => stream.Credits >= credits);

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new Reader<TRequest>(requestStream, this), responseStream, context);

    private Task UntilAsync(Func<bool> condition)
    {
        lock (_lock)
        {
            if (condition()) return Task.CompletedTask;
            var met = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((condition, met));
            return met.Task;
        }
    }

    /// <summary>Notes a message read on a stream; returns that stream's record (made by its Hello).</summary>
    private RecordedStream? Read(RecordedStream? stream, WorkerMessage message)
    {
        lock (_lock)
        {
            foreach (var one in message.Batch?.Messages.Prepend(message) ?? [message])
            {
                if (one.Hello is { } hello)
                {
                    stream = new RecordedStream(hello);
                    _streams.Add(stream);
                }
                else if (one.Credit is { } credit && stream is not null)
                {
                    stream.Credits += credit.N;
                }
            }
            foreach (var wait in _waits.Where(w => w.Condition()).ToList())
            {
                _waits.Remove(wait);
                wait.Met.TrySetResult();
            }
            return stream;
        }
    }

    private sealed class Reader<T>(IAsyncStreamReader<T> inner, HelloAndCreditRecorder owner) : IAsyncStreamReader<T>
    {
        private RecordedStream? _stream;

        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!await inner.MoveNext(cancellationToken)) return false;
            if (inner.Current is WorkerMessage message) _stream = owner.Read(_stream, message);
            return true;
        }
    }
}
