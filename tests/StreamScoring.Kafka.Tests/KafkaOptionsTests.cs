using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace StreamScoring.Kafka.Tests;

public sealed class KafkaOptionsTests
{
    private static ServiceProvider CreateSut(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddStreamScoringKafka();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Bind_LibrdkafkaProperties_ReachClientConfigs()
    {
        using var provider = CreateSut(new()
        {
            ["Kafka:Common:bootstrap.servers"] = "kafka-0:9093,kafka-1:9093",
            ["Kafka:Common:security.protocol"] = "SASL_SSL",
            ["Kafka:Common:sasl.mechanism"] = "SCRAM-SHA-512",
            ["Kafka:Common:sasl.username"] = "scorer",
            ["Kafka:Common:ssl.ca.location"] = "/etc/kafka/ca.pem",
            ["Kafka:Consumer:group.id"] = "scoring-blue",
            ["Kafka:Consumer:fetch.max.bytes"] = "1048576",
            ["Kafka:Producer:linger.ms"] = "7",
            ["Kafka:Producer:compression.type"] = "zstd",
        });
        var kafka = provider.GetRequiredService<IOptions<KafkaOptions>>().Value;
        var loop = provider.GetRequiredService<IOptions<ConsumerOptions>>().Value;

        var consumer = kafka.CreateConsumerConfig(loop);
        var producer = kafka.CreateProducerConfig();

        Assert.Equal("kafka-0:9093,kafka-1:9093", consumer.BootstrapServers);
        // Raw values: librdkafka takes them as written (Confluent's typed getters only parse its own spelling).
        Assert.Equal("SASL_SSL", consumer.Get("security.protocol"));
        Assert.Equal("SCRAM-SHA-512", producer.Get("sasl.mechanism"));
        Assert.Equal("scorer", producer.SaslUsername);
        Assert.Equal("/etc/kafka/ca.pem", consumer.SslCaLocation);
        Assert.Equal("scoring-blue", consumer.GroupId);
        Assert.Equal(1048576, consumer.FetchMaxBytes);
        Assert.Equal(7, producer.LingerMs);
        Assert.Equal("zstd", producer.Get("compression.type"));
        Assert.Null(producer.Get("group.id"));
    }

    [Fact]
    public void CreateConsumerConfig_Defaults_AreForcedOrApplied()
    {
        using var provider = CreateSut(new() { ["Kafka:Common:bootstrap.servers"] = "localhost:9092" });
        var kafka = provider.GetRequiredService<IOptions<KafkaOptions>>().Value;
        var loop = provider.GetRequiredService<IOptions<ConsumerOptions>>().Value;

        var consumer = kafka.CreateConsumerConfig(loop);
        var producer = kafka.CreateProducerConfig();

        Assert.False(consumer.EnableAutoOffsetStore);
        Assert.True(consumer.EnableAutoCommit);
        Assert.Equal(PartitionAssignmentStrategy.CooperativeSticky, consumer.PartitionAssignmentStrategy);
        Assert.Equal(AutoOffsetReset.Earliest, consumer.AutoOffsetReset);
        Assert.Equal(KafkaDefaults.SessionTimeoutMs, consumer.SessionTimeoutMs);
        Assert.Equal(KafkaDefaults.HeartbeatIntervalMs, consumer.HeartbeatIntervalMs);
        Assert.Null(consumer.GroupInstanceId);
        Assert.Equal("streamscoring", consumer.GroupId);
        Assert.True(producer.EnableIdempotence);
        Assert.Equal(Acks.All, producer.Acks);
        Assert.Equal(2, loop.Workers);
        Assert.Equal(KafkaDefaults.MaxPendingOffsets, loop.MaxPendingOffsets);
    }

    [Fact]
    public void CreateConsumerConfig_InstanceIdAndSessionTimeout_StaticMemberPerLoopAndOverridable()
    {
        using var provider = CreateSut(new()
        {
            ["Kafka:Common:bootstrap.servers"] = "localhost:9092",
            ["Kafka:Consumer:session.timeout.ms"] = "30000",
            ["Kafka:ConsumerLoop:InstanceId"] = "scoring-7f9c-0",
        });
        var kafka = provider.GetRequiredService<IOptions<KafkaOptions>>().Value;
        var loop = provider.GetRequiredService<IOptions<ConsumerOptions>>().Value;

        var first = kafka.CreateConsumerConfig(loop, 0);
        var second = kafka.CreateConsumerConfig(loop, 1);

        Assert.Equal("scoring-7f9c-0-0", first.GroupInstanceId);
        Assert.Equal("scoring-7f9c-0-1", second.GroupInstanceId);
        Assert.Equal(30000, first.SessionTimeoutMs);
        Assert.Equal(KafkaDefaults.HeartbeatIntervalMs, first.HeartbeatIntervalMs);
    }

    [Theory]
    [InlineData("Kafka:ConsumerLoop:MaxPendingOffsets", "0")]
    [InlineData("Kafka:ConsumerLoop:CloseTimeout", "00:00:00")]
    [InlineData("Kafka:ConsumerLoop:InstanceId", "pod name with spaces")]
    public void Validate_BadLoopSetting_NamesTheKey(string key, string value)
    {
        using var provider = CreateSut(new() { ["Kafka:Common:bootstrap.servers"] = "localhost:9092", [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ConsumerOptions>>().Value);

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_TopicsAndLoop_OverrideDefaults()
    {
        using var provider = CreateSut(new()
        {
            ["Kafka:Common:bootstrap.servers"] = "localhost:9092",
            ["Kafka:Topics:Input"] = "clicks-v2",
            ["Kafka:ConsumerLoop:Workers"] = "4",
            ["Kafka:ConsumerLoop:GroupId"] = "g2",
        });

        var topics = provider.GetRequiredService<IOptions<TopicOptions>>().Value;
        var loop = provider.GetRequiredService<IOptions<ConsumerOptions>>().Value;

        Assert.Equal("clicks-v2", topics.Input);
        Assert.Equal("user-scores", topics.Scores);
        Assert.Equal("clickstream.dlq", topics.DeadLetter);
        Assert.Equal(4, loop.Workers);
        Assert.Equal("g2", provider.GetRequiredService<IOptions<KafkaOptions>>().Value.CreateConsumerConfig(loop).GroupId);
    }

    [Fact]
    public void Validate_MissingBootstrapServers_NamesTheKey()
    {
        using var provider = CreateSut(new() { ["Kafka:Common:security.protocol"] = "SSL" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<KafkaOptions>>().Value);

        Assert.Contains("Kafka:Common:bootstrap.servers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateConsumerConfig_MissingBootstrapServers_Throws()
    {
        var options = new KafkaOptions();

        var error = Assert.Throws<OptionsValidationException>(() => options.CreateConsumerConfig(new ConsumerOptions()));

        Assert.Contains("Kafka:Common:bootstrap.servers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BootstrapInBothClientSections_IsEnough()
    {
        using var provider = CreateSut(new()
        {
            ["Kafka:Consumer:bootstrap.servers"] = "a:9092",
            ["Kafka:Producer:bootstrap.servers"] = "b:9092",
        });

        var kafka = provider.GetRequiredService<IOptions<KafkaOptions>>().Value;

        Assert.Equal("b:9092", kafka.CreateProducerConfig().BootstrapServers);
    }

    [Theory]
    [InlineData("Kafka:Consumer:enable.auto.offset.store", "true")]
    [InlineData("Kafka:Common:enable.auto.commit", "false")]
    [InlineData("Kafka:Consumer:partition.assignment.strategy", "range")]
    [InlineData("Kafka:Producer:enable.idempotence", "false")]
    [InlineData("Kafka:Producer:acks", "1")]
    public void Validate_ConflictWithForcedSetting_NamesTheKey(string key, string value)
    {
        using var provider = CreateSut(new() { ["Kafka:Common:bootstrap.servers"] = "localhost:9092", [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<KafkaOptions>>().Value);

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ForcedSettingRestated_IsAccepted()
    {
        using var provider = CreateSut(new()
        {
            ["Kafka:Common:bootstrap.servers"] = "localhost:9092",
            ["Kafka:Producer:acks"] = "-1",
            ["Kafka:Consumer:enable.auto.offset.store"] = "False",
        });

        Assert.Equal(Acks.All, provider.GetRequiredService<IOptions<KafkaOptions>>().Value.CreateProducerConfig().Acks);
    }

    [Fact]
    public void Validate_EmptyTopic_NamesTheKey()
    {
        using var provider = CreateSut(new() { ["Kafka:Common:bootstrap.servers"] = "localhost:9092", ["Kafka:Topics:DeadLetter"] = "" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TopicOptions>>().Value);

        Assert.Contains("Kafka:Topics:DeadLetter", error.Message, StringComparison.Ordinal);
    }
}
