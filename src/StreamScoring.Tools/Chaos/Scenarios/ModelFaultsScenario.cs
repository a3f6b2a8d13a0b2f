using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using StreamScoring.Tools.Chaos.Checking;

namespace StreamScoring.Tools.Chaos.Scenarios;

/// <summary>
/// <c>model-faults</c>: the worker's (private copy of the) model is replaced by a truncated file, then by the
/// right model with a manifest for another feature-spec hash. Each time the old model must keep serving (scores
/// keep flowing) and <c>streamscoring_model_reload_failures_total</c> must count the failure and say why (a
/// label naming the reason).
/// </summary>
internal sealed class ModelFaultsScenario : IChaosScenario
{
    private const string FailureMetric = "streamscoring_model_reload_failures_total";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <inheritdoc />
    public string Name => "model-faults";

    /// <inheritdoc />
    public TimeSpan TrafficDuration => TimeSpan.FromSeconds(50);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> WorkerSettings => new Dictionary<string, string> { ["Inference:ReloadPollInterval"] = "00:00:01" };

    /// <inheritdoc />
    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var model = context.ModelPath;
        var manifest = Path.ChangeExtension(model, null) + ".manifest.json";
        var goodModel = await File.ReadAllBytesAsync(model, cancellationToken);
        var goodManifest = await File.ReadAllTextAsync(manifest, cancellationToken);

        await context.AtProgressAsync(0.25, cancellationToken);
        await FaultAsync(context, "truncated model.onnx", () => Replace(model, goodModel.AsSpan(0, goodModel.Length / 3).ToArray()), cancellationToken);

        await context.AtProgressAsync(0.55, cancellationToken);
        var other = JsonNode.Parse(goodManifest)!.AsObject();
        other["feature_spec_hash"] = "0000000000000000";
        await FaultAsync(context, "manifest with another feature-spec hash", () =>
        {
            Replace(manifest, System.Text.Encoding.UTF8.GetBytes(other.ToJsonString()));
            Replace(model, goodModel);
        }, cancellationToken);
    }

    private static async Task FaultAsync(ScenarioContext context, string label, Action inject, CancellationToken cancellationToken)
    {
        var worker = context.Workers["w1"];
        var before = await worker.ScrapeAsync(context.Http, cancellationToken) ?? "";
        var failuresBefore = PrometheusText.Sum(before, FailureMetric);
        inject();
        var clock = Stopwatch.StartNew();
        string text = before;
        while (clock.Elapsed < Wait && PrometheusText.Sum(text, FailureMetric) <= failuresBefore)
        {
            await Task.Delay(250, cancellationToken);
            text = await worker.ScrapeAsync(context.Http, cancellationToken) ?? text;
        }

        var samples = PrometheusText.Samples(text, FailureMetric);
        if (samples.Sum(s => s.Value) <= failuresBefore)
        {
            context.Fail($"{label}: {FailureMetric} did not increase within {Wait.TotalSeconds:F0} s");
        }
        else
        {
            var labels = string.Join(", ", samples.Select(s => string.Create(CultureInfo.InvariantCulture, $"{{{s.Labels}}} {s.Value}")));
            context.Note(string.Create(CultureInfo.InvariantCulture, $"{label}: failure counted after {clock.Elapsed.TotalSeconds:F1} s: {FailureMetric} {labels}"));
            if (!samples.Any(s => s.Labels.Contains("reason=", StringComparison.Ordinal)))
            {
                context.Fail($"{label}: {FailureMetric} does not say why (no reason label)");
            }
        }

        // The old model keeps serving: scores keep coming while the broken files sit there.
        var scoresBefore = context.Lag.TotalEndOffset("user-scores", ScenarioRunner.ScorePartitions);
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var scoresAfter = context.Lag.TotalEndOffset("user-scores", ScenarioRunner.ScorePartitions);
        if (scoresAfter <= scoresBefore)
        {
            context.Fail($"{label}: no score was published in the 3 s after the failed reload");
        }
        else
        {
            context.Note($"{label}: {scoresAfter - scoresBefore} scores published in the 3 s after the failed reload");
        }

        context.FaultEnded(label);
    }

    // Write beside, then rename over: the poll sees the complete bad file, never a half-written one.
    private static void Replace(string path, byte[] content)
    {
        var temp = path + ".chaos-tmp";
        File.WriteAllBytes(temp, content);
        File.Move(temp, path, overwrite: true);
    }
}
