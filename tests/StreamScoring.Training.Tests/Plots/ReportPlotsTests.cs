using System.Buffers.Binary;
using StreamScoring.Training.Evaluation;
using StreamScoring.Training.Plots;

namespace StreamScoring.Training.Tests.Plots;

/// <summary>
/// Draws real charts headless. The PNGs stay in <c>plots/</c> under the test output folder (ignored by git) so a person
/// can look at the last run.
/// </summary>
public class ReportPlotsTests
{
    private static readonly byte[] PngMagic = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static string OutputPath(string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "plots");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        File.Delete(path);
        return path;
    }

    /// <summary>Scores for three heads of different quality, plus a head whose labels are all negative.</summary>
    private static Dictionary<string, (float[] Scores, float[] Labels)> CreateSut()
    {
        var random = new Random(3);
        (float[], float[]) Head(double separation, double baseRate, int n = 2000)
        {
            var scores = new float[n];
            var labels = new float[n];
            for (var i = 0; i < n; i++)
            {
                labels[i] = random.NextDouble() < baseRate ? 1 : 0;
                var logit = (labels[i] - 0.5) * separation + (random.NextDouble() - 0.5) * 4 - 1;
                scores[i] = (float)(1 / (1 + Math.Exp(-logit)));
            }

            return (scores, labels);
        }

        var degenerate = Head(1, 0, 50);
        return new()
        {
            ["fraud"] = Head(6, 0.05),
            ["churn"] = Head(2, 0.3),
            ["conversion"] = Head(3.5, 0.15),
            ["no positives"] = degenerate,
        };
    }

    private static void AssertPng(string path, int width, int height)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 10_000, $"{path} is only {bytes.Length} bytes");
        Assert.Equal(PngMagic, bytes[..8]);
        // IHDR is the first chunk: length(4) type(4) then width and height, big-endian.
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
    }

    [Fact]
    public void SaveRoc_ThreeHeads_WritesPng()
    {
        var path = OutputPath("roc.png");
        var curves = CreateSut().Select(kv =>
            KeyValuePair.Create(kv.Key, BinaryMetrics.RocCurve(kv.Value.Scores, kv.Value.Labels)));

        ReportPlots.SaveRoc(path, curves);

        AssertPng(path, ReportPlots.DefaultWidth, ReportPlots.DefaultHeight);
    }

    [Fact]
    public void SavePrecisionRecall_ThreeHeads_WritesPng()
    {
        var path = OutputPath("pr.png");
        var curves = CreateSut().Select(kv =>
            KeyValuePair.Create(kv.Key, BinaryMetrics.PrecisionRecallCurve(kv.Value.Scores, kv.Value.Labels)));

        ReportPlots.SavePrecisionRecall(path, curves);

        AssertPng(path, ReportPlots.DefaultWidth, ReportPlots.DefaultHeight);
    }

    [Fact]
    public void SaveCalibration_ThreeHeads_WritesPngOfRequestedSize()
    {
        var path = OutputPath("calibration.png");
        var bins = CreateSut().Select(kv =>
            KeyValuePair.Create(kv.Key, BinaryMetrics.Calibration(kv.Value.Scores, kv.Value.Labels)));

        ReportPlots.SaveCalibration(path, bins, width: 640, height: 480);

        AssertPng(path, 640, 480);
    }

    [Fact]
    public void SaveRocAndCalibration_RawScoresOverloads_WritePngs()
    {
        var roc = OutputPath("roc-raw.png");
        var pr = OutputPath("pr-raw.png");
        var calibration = OutputPath("calibration-raw.png");
        IReadOnlyDictionary<string, (float[] Scores, float[] Labels)> scored = CreateSut();

        ReportPlots.SaveRoc(roc, scored);
        ReportPlots.SavePrecisionRecall(pr, scored);
        ReportPlots.SaveCalibration(calibration, scored);

        AssertPng(roc, ReportPlots.DefaultWidth, ReportPlots.DefaultHeight);
        AssertPng(pr, ReportPlots.DefaultWidth, ReportPlots.DefaultHeight);
        AssertPng(calibration, ReportPlots.DefaultWidth, ReportPlots.DefaultHeight);
    }
}
