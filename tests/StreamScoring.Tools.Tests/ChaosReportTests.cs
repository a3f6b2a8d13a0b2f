using System.Text.Json;
using StreamScoring.Tools.Chaos;

namespace StreamScoring.Tools.Tests;

public class ChaosReportTests
{
    private static ScenarioResult Result(string name, long lost, long doubled, bool passed, double? recovered) => new()
    {
        Name = name,
        Events = 20_000,
        Lost = lost,
        DoubleCounted = doubled,
        DeadLettered = 3,
        RecoveredSeconds = recovered,
        Passed = passed,
    };

    [Fact]
    public void Serialize_TwoScenarios_WritesTheDocumentedShapeOnOneLine()
    {
        var report = new ChaosReport { Scenarios = [Result("kill9", 0, 2, false, 4.5), Result("poison", 5, 0, false, null)] };

        var json = JsonSerializer.Serialize(report, ChaosJsonContext.Readable.ChaosReport);

        Assert.DoesNotContain('\n', json);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(5, root.GetProperty("lost_total").GetInt64());
        Assert.Equal(2, root.GetProperty("double_counted_total").GetInt64());
        var first = root.GetProperty("scenarios")[0];
        Assert.Equal("kill9", first.GetProperty("name").GetString());
        Assert.Equal(20_000, first.GetProperty("events").GetInt64());
        Assert.Equal(0, first.GetProperty("lost").GetInt64());
        Assert.Equal(2, first.GetProperty("double_counted").GetInt64());
        Assert.Equal(3, first.GetProperty("dead_lettered").GetInt64());
        Assert.Equal(4.5, first.GetProperty("recovered_s").GetDouble());
        Assert.False(first.GetProperty("passed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("scenarios")[1].GetProperty("recovered_s").ValueKind);
    }

    [Fact]
    public void Passed_AnyScenarioFailed_IsFalse()
    {
        Assert.True(new ChaosReport { Scenarios = [Result("a", 0, 0, true, 1)] }.Passed);
        Assert.False(new ChaosReport { Scenarios = [Result("a", 0, 0, true, 1), Result("b", 0, 0, false, 1)] }.Passed);
    }
}
