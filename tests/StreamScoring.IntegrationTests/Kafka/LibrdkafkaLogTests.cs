using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamScoring.Kafka;
using StreamScoring.Kafka.Internal;
using Xunit.Abstractions;

namespace StreamScoring.IntegrationTests.Kafka;

[Collection(KafkaTestGroup.Name)]
public sealed class LibrdkafkaLogTests(KafkaClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Consumer_LibrdkafkaDebugLine_ReachesTheLoopLogger()
    {
        await using var harness = new LoopHarness(fixture, output, partitions: 1);
        harness.Kafka.Consumer["debug"] = "cgrp";
        var running = harness.StartLoop(LoopHarness.CreateChannel(16).Writer);
        await LoopHarness.WaitUntil(() => running.Loop.Assignment.Count == 1, TimeSpan.FromSeconds(30), () => "assignment");

        Assert.Contains(harness.Log.Lines, l => l.Contains("Debug ClickstreamConsumerLoop: librdkafka streamscoring-" + running.Loop.Name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Producer_LibrdkafkaDebugLine_ReachesTheProducerLogger()
    {
        var log = new TestLog(output);
        var options = fixture.CreateOptions();
        options.Producer["debug"] = "msg";
        var topic = fixture.CreateTopic("logged", 1);
        var sut = new KafkaOutputProducer(options, log.CreateLogger<KafkaOutputProducer>());

        await sut.ProduceAsync(topic, null, "v"u8.ToArray());
        await sut.DisposeAsync();

        Assert.Contains(log.Lines, l => l.Contains("Debug KafkaOutputProducer: librdkafka streamscoring-producer", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(SyslogLevel.Emergency, LogLevel.Critical)]
    [InlineData(SyslogLevel.Critical, LogLevel.Critical)]
    [InlineData(SyslogLevel.Error, LogLevel.Error)]
    [InlineData(SyslogLevel.Warning, LogLevel.Warning)]
    [InlineData(SyslogLevel.Notice, LogLevel.Information)]
    [InlineData(SyslogLevel.Info, LogLevel.Information)]
    [InlineData(SyslogLevel.Debug, LogLevel.Debug)]
    public void ToLogLevel_SyslogLevel_Maps(SyslogLevel level, LogLevel expected)
    {
        Assert.Equal(expected, LibrdkafkaLog.ToLogLevel(level));
    }
}
