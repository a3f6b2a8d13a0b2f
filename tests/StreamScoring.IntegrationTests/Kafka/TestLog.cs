using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace StreamScoring.IntegrationTests.Kafka;

/// <summary>Captures log lines (to assert on them) and echoes them to the test output.</summary>
public sealed class TestLog(ITestOutputHelper? output) : ILoggerFactory
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger<T> CreateLogger<T>() => new Logger<T>(this);

    public ILogger CreateLogger(string categoryName) => new Sink(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private void Write(string category, LogLevel level, string message)
    {
        var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {level} {category}: {message}";
        Lines.Enqueue(line);
        try
        {
            output?.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test already finished; the line stays in Lines.
        }
    }

    private sealed class Sink(TestLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            log.Write(category[(category.LastIndexOf('.') + 1)..], logLevel, formatter(state, exception) + (exception is null ? "" : " " + exception.Message));
        }
    }
}
