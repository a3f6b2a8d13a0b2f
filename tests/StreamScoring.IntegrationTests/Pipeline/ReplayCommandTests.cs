using System.Text;
using StreamScoring.Core.Events;
using StreamScoring.Datasets.Import;
using StreamScoring.Tools.Replay;

namespace StreamScoring.IntegrationTests.Pipeline;

[Collection(PipelineTestGroup.Name)]
public sealed class ReplayCommandTests(PipelineServers servers)
{
    [Fact]
    public void Run_Rees46File_ProducesValidEventsInTimestampOrderKeyedByUser()
    {
        var topic = $"replay-{Guid.NewGuid():N}";
        servers.Kafka.CreateTopic(topic, 1);
        var file = Path.Combine(Directory.CreateTempSubdirectory("streamscoring-replay-").FullName, "events.csv");
        File.WriteAllLines(file,
        [
            Rees46CsvReader.Header,
            "2019-10-01 00:00:30 UTC,cart,1,2,electronics.smartphone,apple,500.0,u1,s1",
            "not,a,row",
            "2019-10-01 00:00:08 UTC,view,1,2,electronics.smartphone,apple,500.0,u1,s1",
            "2019-10-01 00:00:09 UTC,view,7,2,,samsung,20.0,u2,s2",
        ]);
        using var log = new StringWriter();

        var exit = ReplayCommand.Run(file, EventFileFormat.Rees46, speedup: 0,
            [$"--Kafka:Common:bootstrap.servers={servers.Kafka.BootstrapServers}", $"--Kafka:Topics:Input={topic}"], log);

        Assert.Equal(0, exit);
        Assert.Contains("line 2: malformed_csv", log.ToString(), StringComparison.Ordinal);
        var messages = TopicReader.ReadAll(servers.Kafka.BootstrapServers, topic);
        Assert.Equal(3, messages.Count);
        var events = messages.Select(m =>
        {
            Assert.True(ClickEventParser.TryParse(m.Message.Key, m.Message.Value, out var evt, out _));
            return evt;
        }).ToList();
        Assert.Equal(events.Select(e => e.TimestampMs).Order(), events.Select(e => e.TimestampMs));
        // Replay keeps the file's own times (only the demo's simulated traffic is dated on the wall clock).
        var day = new DateTimeOffset(2019, 10, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal([day.AddSeconds(8), day.AddSeconds(9), day.AddSeconds(30)], events.Select(e => e.Timestamp));
        Assert.Equal(["u1", "u2", "u1"], events.Select(e => e.UserId));
        Assert.Equal("u1", Encoding.UTF8.GetString(messages[0].Message.Key));
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
    }
}
