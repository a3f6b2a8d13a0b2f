using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StreamScoring.Inference;
using StreamScoring.Inference.Serving;
using StreamScoring.Worker.Pipeline;

namespace StreamScoring.Worker.Tests.Pipeline;

public class ScoringOptionsTests
{
    private static ServiceProvider CreateSut(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddScoringPipeline();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Defaults_AreTheDocumentedValues()
    {
        using var sp = CreateSut();
        var scoring = sp.GetRequiredService<IOptionsMonitor<ScoringOptions>>().CurrentValue;
        var inference = sp.GetRequiredService<IOptions<InferenceOptions>>().Value;

        Assert.Equal(TimeSpan.FromMilliseconds(500), scoring.DebounceInterval);
        Assert.Equal(64, scoring.MaxBatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(2), scoring.MaxBatchDelay);
        Assert.Equal(4096, scoring.ChannelCapacity);
        Assert.Equal(16_384, scoring.InputCapacity);
        Assert.Null(scoring.Alerts.Fraud.Threshold);
        Assert.Equal(TimeSpan.FromMinutes(10), scoring.Alerts.Fraud.Cooldown);
        Assert.Equal(TimeSpan.FromHours(24), scoring.Alerts.Churn.Cooldown);
        Assert.Equal(TimeSpan.FromMinutes(30), scoring.Alerts.Conversion.Cooldown);
        Assert.Equal("models/model.onnx", inference.ModelPath);
        Assert.Equal(ScoringDevice.Auto, inference.Device);
        Assert.Equal(TimeSpan.FromSeconds(10), inference.ReloadPollInterval);
    }

    [Fact]
    public void Bind_ReadsEveryKey()
    {
        using var sp = CreateSut(
            ("Scoring:DebounceInterval", "00:00:02"),
            ("Scoring:MaxBatchSize", "32"),
            ("Scoring:InputCapacity", "500"),
            ("Scoring:MaxBatchDelay", "00:00:00.010"),
            ("Scoring:ChannelCapacity", "100"),
            ("Scoring:Alerts:Fraud:Threshold", "0.25"),
            ("Scoring:Alerts:Churn:Cooldown", "2.00:00:00"),
            ("Inference:Device", "cpu"),
            ("Inference:IntraOpThreads", "2"),
            ("Inference:AllowSpinning", "true"),
            ("Inference:ReloadPollInterval", "00:01:00"));
        var scoring = sp.GetRequiredService<IOptionsMonitor<ScoringOptions>>().CurrentValue;
        var inference = sp.GetRequiredService<IOptions<InferenceOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(2), scoring.DebounceInterval);
        Assert.Equal(32, scoring.MaxBatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(10), scoring.MaxBatchDelay);
        Assert.Equal(100, scoring.ChannelCapacity);
        Assert.Equal(500, scoring.InputCapacity);
        Assert.Equal(0.25f, scoring.Alerts.Fraud.Threshold);
        Assert.Equal(TimeSpan.FromDays(2), scoring.Alerts.Churn.Cooldown);
        Assert.Equal(TimeSpan.FromMinutes(10), scoring.Alerts.Fraud.Cooldown);
        Assert.Equal(ScoringDevice.Cpu, inference.Device);
        Assert.Equal(2, inference.IntraOpThreads);
        Assert.True(ModelHost.ScorerOptionsFor(inference).AllowSpinning);
        Assert.Equal(TimeSpan.FromMinutes(1), inference.ReloadPollInterval);
        Assert.Equal(ScoringDevice.Cpu, ModelHost.ScorerOptionsFor(inference).Device);
    }

    [Theory]
    [InlineData("Scoring:MaxBatchSize", "0", "Scoring:MaxBatchSize must be between 1 and 4096")]
    [InlineData("Scoring:MaxBatchSize", "5000", "Scoring:MaxBatchSize must be between 1 and 4096")]
    [InlineData("Scoring:ChannelCapacity", "0", "Scoring:ChannelCapacity must be between 1 and")]
    [InlineData("Scoring:InputCapacity", "0", "Scoring:InputCapacity must be between 1 and")]
    [InlineData("Scoring:MaxBatchDelay", "00:01:00", "Scoring:MaxBatchDelay must be between")]
    [InlineData("Scoring:DebounceInterval", "-00:00:01", "Scoring:DebounceInterval must be between")]
    [InlineData("Scoring:Alerts:Fraud:Threshold", "1.5", "Scoring:Alerts:Fraud:Threshold must be between 0 and 1")]
    [InlineData("Scoring:Alerts:Churn:Cooldown", "00:00:00", "Scoring:Alerts:Churn:Cooldown must be between")]
    [InlineData("Inference:ModelPath", "", "Inference:ModelPath is required")]
    [InlineData("Inference:IntraOpThreads", "-1", "Inference:IntraOpThreads must be between 0 and 1024")]
    [InlineData("Inference:ReloadPollInterval", "2.00:00:00", "Inference:ReloadPollInterval must be between")]
    public void ValidateOnStart_BadValue_FailsWithAMessageNamingTheKey(string key, string value, string expected)
    {
        using var sp = CreateSut((key, value));

        // What the host runs at start for every ValidateOnStart() registration.
        var error = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateOnStart_Defaults_Pass()
    {
        using var sp = CreateSut();

        sp.GetRequiredService<IStartupValidator>().Validate();
    }
}
