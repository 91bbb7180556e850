using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Worcr.Grpc.Tests.Infrastructure;

/// <summary>Keeps every log entry with an exception, so tests can check that handler failures are logged.</summary>
public sealed class LogSink : ILoggerProvider
{
    public ConcurrentQueue<(string Message, Exception Exception)> Errors { get; } = new();

    public ILogger CreateLogger(string categoryName) => new SinkLogger(this);

    public void Dispose()
    {
    }

    private sealed class SinkLogger(LogSink sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is not null)
            {
                sink.Errors.Enqueue((formatter(state, exception), exception));
            }
        }
    }
}
