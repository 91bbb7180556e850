using Microsoft.Extensions.Logging;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// A log provider that completes <see cref="Logged"/> the first time a node logs the event with the given id, so a
/// test can await what only the log announces (the node's logging must let that level through: Warning and up in tests).
/// </summary>
internal sealed class LoggedEventSignal(int eventId) : ILoggerProvider
{
    private readonly int _eventId = eventId;
    private readonly TaskCompletionSource _logged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Logged => _logged.Task;

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(LoggedEventSignal signal) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == signal._eventId) signal._logged.TrySetResult();
        }
    }
}
