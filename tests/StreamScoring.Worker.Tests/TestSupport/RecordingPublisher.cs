using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using StreamScoring.Worker.Pipeline;

namespace StreamScoring.Worker.Tests.TestSupport;

/// <summary>An output sink that records what was acknowledged, and fails with <see cref="Failure"/> while it is set.</summary>
internal sealed class RecordingPublisher : IOutputPublisher
{
    private int _failures;

    /// <summary>Makes every publish throw the exception this returns (for the topics <see cref="FailTopic"/> accepts), until set back to null.</summary>
    public volatile Func<Exception>? Failure;

    /// <summary>Which topics <see cref="Failure"/> applies to; all when null.</summary>
    public volatile Func<string, bool>? FailTopic;

    /// <summary>Acknowledged messages in order: (topic, key, JSON).</summary>
    public ConcurrentQueue<(string Topic, string Key, JsonNode Value)> Published { get; } = new();

    /// <summary>Publishes that failed.</summary>
    public int Failures => Volatile.Read(ref _failures);

    public IEnumerable<JsonNode> On(string topic) => Published.Where(p => p.Topic == topic).Select(p => p.Value);

    public Task PublishAsync(string topic, string key, byte[] value, CancellationToken cancellationToken)
    {
        if (Failure is { } failure && (FailTopic?.Invoke(topic) ?? true))
        {
            Interlocked.Increment(ref _failures);
            return Task.FromException(failure());
        }

        Published.Enqueue((topic, key, JsonNode.Parse(value)!));
        return Task.CompletedTask;
    }
}
