using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamScoring.Worker.Hosting;
using StreamScoring.Worker.Pipeline;

namespace StreamScoring.Worker.Tests.Hosting;

/// <summary>
/// The mounted configuration directory (<c>Config:Directory</c>, the Helm chart's ConfigMap): built through
/// <see cref="ServiceHost.Build"/> exactly as <c>streamscoring run</c> builds it, then updated the way the kubelet
/// updates a ConfigMap volume (new timestamped directory, <c>..data</c> symlink swapped with a rename).
/// </summary>
public sealed class ConfigurationDirectoryTests : IDisposable
{
    // Polling runs every 4 s; a change is seen within one or two polls. The bound only keeps a broken build from hanging.
    private static readonly TimeSpan ReloadBound = TimeSpan.FromSeconds(60);

    private readonly string _root = Directory.CreateTempSubdirectory("ss-configdir-").FullName;
    private int _generation;

    [Fact]
    public async Task Build_KubernetesStyleSymlinkSwap_OptionsMonitorSeesNewThreshold()
    {
        Publish("""{ "Scoring": { "Alerts": { "Fraud": { "Threshold": 0.7, "Cooldown": "00:05:00" } }, "DebounceInterval": "00:00:01" } }""");
        await using var app = ServiceHost.Build([$"--{ConfigurationDirectory.DirectoryKey}={_root}"]);
        var monitor = app.Services.GetRequiredService<IOptionsMonitor<ScoringOptions>>();
        Assert.Equal(0.7f, monitor.CurrentValue.Alerts.Fraud.Threshold);
        Assert.Equal(TimeSpan.FromMinutes(5), monitor.CurrentValue.Alerts.Fraud.Cooldown);
        Assert.Equal(TimeSpan.FromSeconds(1), monitor.CurrentValue.DebounceInterval);
        var changed = new TaskCompletionSource<ScoringOptions>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = monitor.OnChange(options =>
        {
            if (options.Alerts.Fraud.Threshold is 0.9f)
            {
                changed.TrySetResult(options);
            }
        });

        Publish("""{ "Scoring": { "Alerts": { "Fraud": { "Threshold": 0.9, "Cooldown": "00:05:00" } }, "DebounceInterval": "00:00:02" } }""");

        var seen = await changed.Task.WaitAsync(ReloadBound);
        Assert.Equal(0.9f, seen.Alerts.Fraud.Threshold);
        Assert.Equal(0.9f, monitor.CurrentValue.Alerts.Fraud.Threshold);
        Assert.Equal(TimeSpan.FromSeconds(2), monitor.CurrentValue.DebounceInterval);
    }

    [Fact]
    public async Task Build_InvalidEdit_KeepsLastValidValuesThenAppliesTheNextValidEdit()
    {
        Publish("""{ "Scoring": { "Alerts": { "Fraud": { "Threshold": 0.7 } } } }""");
        using var rejected = new EventIdWaiter(400);
        await using var app = ServiceHost.Build([$"--{ConfigurationDirectory.DirectoryKey}={_root}"], logging: logging => logging.AddProvider(rejected));
        var monitor = app.Services.GetRequiredService<IOptionsMonitor<ScoringOptions>>();
        Assert.Equal(0.7f, monitor.CurrentValue.Alerts.Fraud.Threshold);
        var changed = new TaskCompletionSource<ScoringOptions>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = monitor.OnChange(options => changed.TrySetResult(options));

        // A threshold above 1: the framework's monitor would throw from every CurrentValue read from now on.
        Publish("""{ "Scoring": { "Alerts": { "Fraud": { "Threshold": 1.5 } } } }""");
        var message = await rejected.Logged.WaitAsync(ReloadBound);

        Assert.Contains("Scoring:Alerts:Fraud:Threshold", message, StringComparison.Ordinal);
        Assert.Equal(0.7f, monitor.CurrentValue.Alerts.Fraud.Threshold);
        Assert.False(changed.Task.IsCompleted);

        Publish("""{ "Scoring": { "Alerts": { "Fraud": { "Threshold": 0.9 } } } }""");
        var seen = await changed.Task.WaitAsync(ReloadBound);

        Assert.Equal(0.9f, seen.Alerts.Fraud.Threshold);
        Assert.Equal(0.9f, monitor.CurrentValue.Alerts.Fraud.Threshold);
    }

    [Fact]
    public void Build_InvalidAtStart_StillFailsValidation()
    {
        Publish("""{ "Scoring": { "MaxBatchSize": 0 } }""");
        var app = ServiceHost.Build([$"--{ConfigurationDirectory.DirectoryKey}={_root}"]);
        try
        {
            var monitor = app.Services.GetRequiredService<IOptionsMonitor<ScoringOptions>>();

            var error = Assert.Throws<OptionsValidationException>(() => monitor.CurrentValue);

            Assert.Contains("Scoring:MaxBatchSize", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            ((IDisposable)app).Dispose();
        }
    }

    [Fact]
    public async Task Build_EnvironmentAndArguments_WinOverTheDirectory()
    {
        Publish("""{ "Scoring": { "MaxBatchSize": 100, "MaxBatchDelay": "00:00:00.004" } }""");
        await using var app = ServiceHost.Build([$"--{ConfigurationDirectory.DirectoryKey}={_root}", "--Scoring:MaxBatchSize=32"]);

        var options = app.Services.GetRequiredService<IOptionsMonitor<ScoringOptions>>().CurrentValue;

        Assert.Equal(32, options.MaxBatchSize); // the argument wins
        Assert.Equal(TimeSpan.FromMilliseconds(4), options.MaxBatchDelay); // the directory beats appsettings.json
    }

    [Fact]
    public void AddConfigurationDirectory_MissingDirectory_ThrowsNamingTheKey()
    {
        var configuration = new ConfigurationManager();
        configuration[ConfigurationDirectory.DirectoryKey] = Path.Combine(_root, "absent");

        var error = Assert.Throws<InvalidOperationException>(() => configuration.AddConfigurationDirectory());

        Assert.Contains(ConfigurationDirectory.DirectoryKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddConfigurationDirectory_NoKey_AddsNothing()
    {
        var configuration = new ConfigurationManager();
        var before = configuration.Sources.Count;

        Assert.Empty(configuration.AddConfigurationDirectory());
        Assert.Equal(before, configuration.Sources.Count);
    }

    // rename(2) replaces the ..data link in one step, as the kubelet does; File.Move refuses a link to a directory
    // and Directory.Move will not replace an existing name.
    private static void Rename(string from, string to)
    {
        using var mv = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("mv", ["-T", "-f", from, to]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("mv did not start");
        mv.WaitForExit();
        Assert.Equal(0, mv.ExitCode);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // What the kubelet's atomic writer does: ..<timestamp>/streamscoring.json, ..data_tmp -> ..<timestamp>,
    // rename(..data_tmp, ..data) (atomic), and on first publish streamscoring.json -> ..data/streamscoring.json.
    private void Publish(string json)
    {
        var generation = $"..gen_{++_generation}";
        Directory.CreateDirectory(Path.Combine(_root, generation));
        File.WriteAllText(Path.Combine(_root, generation, "streamscoring.json"), json);
        var temporary = Path.Combine(_root, "..data_tmp");
        Directory.CreateSymbolicLink(temporary, generation);
        Rename(temporary, Path.Combine(_root, "..data"));
        var visible = Path.Combine(_root, "streamscoring.json");
        if (!File.Exists(visible))
        {
            File.CreateSymbolicLink(visible, Path.Combine("..data", "streamscoring.json"));
        }
    }
}
