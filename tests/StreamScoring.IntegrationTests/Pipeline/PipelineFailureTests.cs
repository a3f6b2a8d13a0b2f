using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StreamScoring.Core.Events;
using StreamScoring.Embedded;
using StreamScoring.Simulator;

namespace StreamScoring.IntegrationTests.Pipeline;

/// <summary>What the service does when the pipeline fails for a reason retrying cannot fix.</summary>
[Collection(PipelineTestGroup.Name)]
public sealed class PipelineFailureTests(PipelineServers servers)
{
    private const short ProduceApiKey = 0;

    [Fact]
    public async Task Run_OutputsRefusedForGood_StopsTheServiceWithExitCode1AndCommitsNothing()
    {
        // A cluster of its own: the refusals injected below would hit any other test's producers.
        using var kafka = new EmbeddedKafkaCluster(brokers: 1);
        var scenario = new PipelineScenario(kafka.BootstrapServers, servers.Redis.ConnectionString, TopicReader.RepositoryFile("models", "model.onnx"));
        scenario.CreateTopics(kafka, inputPartitions: 2);
        var messages = new MalformedEventFactory(5)
            .ToMessages(ClickstreamSimulator.Generate(SimulatorOptions.Training(5) with { Users = 20, Days = 2 }), malformedShare: 0)
            .Where(m => m.ExpectedError == EventError.None)
            .Take(50)
            .ToList();
        using (var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            foreach (var message in messages)
            {
                producer.Produce(scenario.Topics.Input, new Message<byte[], byte[]> { Key = message.Key, Value = message.Value });
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        // Every produce from now on is refused as not authorised: an ACL mistake, not an outage.
        kafka.PushRequestErrors(ProduceApiKey, [.. Enumerable.Repeat(ErrorCode.TopicAuthorizationFailed, 200)]);
        try
        {
            await using var host = await PipelineHarness.StartAsync(scenario);
            var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            await Task.Delay(Timeout.Infinite, stopping).ContinueWith(static _ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromMinutes(2));

            Assert.Equal(1, Environment.ExitCode);
            await host.StopAsync();
            Assert.Equal(0, TopicReader.CommittedCount(scenario.Bootstrap, scenario.Topics.Input, scenario.Configuration()["Kafka:ConsumerLoop:GroupId"]!));
        }
        finally
        {
            Environment.ExitCode = 0; // process-wide: the test host must not inherit it
        }
    }
}
