using Microsoft.Extensions.Logging;

namespace StreamScoring.Worker.Tests.Hosting;

/// <summary>A logger provider that completes <see cref="Logged"/> when a log entry with one event id is written.</summary>
internal sealed class EventIdWaiter(int eventId) : ILoggerProvider
{
    private readonly int _eventId = eventId;
    private readonly TaskCompletionSource<string> _logged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The message of the first entry with the event id.</summary>
    public Task<string> Logged => _logged.Task;

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(EventIdWaiter owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == owner._eventId)
            {
                owner._logged.TrySetResult(formatter(state, exception));
            }
        }
    }
}
