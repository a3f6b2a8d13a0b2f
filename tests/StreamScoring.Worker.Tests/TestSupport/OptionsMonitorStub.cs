using Microsoft.Extensions.Options;

namespace StreamScoring.Worker.Tests.TestSupport;

/// <summary>An <see cref="IOptionsMonitor{TOptions}"/> whose value a test sets, as a configuration reload would.</summary>
internal sealed class OptionsMonitorStub<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue { get; set; } = value;

    public T Get(string? name) => CurrentValue;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
