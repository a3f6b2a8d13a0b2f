using System.Globalization;
using ScottPlot;
using StreamScoring.Training.Evaluation;

namespace StreamScoring.Training.Plots;

/// <summary>
/// PNG charts for the model card, drawn headless with ScottPlot (SkiaSharp): ROC curves, precision/recall curves and
/// reliability diagrams, one series per head. Heads are drawn in the order given; a head without a curve (one class
/// only) is listed in the legend as "n/a" and not drawn.
/// </summary>
public static class ReportPlots
{
    /// <summary>Default image width, in pixels.</summary>
    public const int DefaultWidth = 800;

    /// <summary>Default image height, in pixels.</summary>
    public const int DefaultHeight = 600;

    // Colours by head position, not by plottable count, so a head keeps its colour across charts (the diagonal of
    // two charts would otherwise shift the palette by one).
    private static readonly ScottPlot.Palettes.Category10 HeadPalette = new();

    /// <summary>ROC curves with each head's AUC in the legend, and the chance diagonal.</summary>
    /// <param name="path">PNG file to write (replaced).</param>
    /// <param name="curves">Head name to its <see cref="BinaryMetrics.RocCurve"/>.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    public static void SaveRoc(
        string path,
        IEnumerable<KeyValuePair<string, IReadOnlyList<RocPoint>>> curves,
        string title = "ROC",
        int width = DefaultWidth,
        int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(curves);
        using var plot = NewUnitPlot(title, "False positive rate", "True positive rate");
        AddDiagonal(plot, "chance");
        var index = 0;
        foreach (var (head, curve) in curves)
        {
            var auc = BinaryMetrics.AreaUnderRoc(curve);
            var line = plot.Add.ScatterLine(
                curve.Select(p => p.FalsePositiveRate).ToArray(),
                curve.Select(p => p.TruePositiveRate).ToArray());
            line.LineWidth = 2;
            line.Color = HeadPalette.GetColor(index++);
            line.LegendText = $"{head} (AUC {Fmt(auc)})";
        }

        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, width, height);
    }

    /// <summary>Precision/recall curves (step-wise, as average precision counts them) with each head's AP in the legend.</summary>
    /// <param name="path">PNG file to write (replaced).</param>
    /// <param name="curves">Head name to its <see cref="BinaryMetrics.PrecisionRecallCurve"/>.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    public static void SavePrecisionRecall(
        string path,
        IEnumerable<KeyValuePair<string, IReadOnlyList<PrPoint>>> curves,
        string title = "Precision / recall",
        int width = DefaultWidth,
        int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(curves);
        using var plot = NewUnitPlot(title, "Recall", "Precision");
        var index = 0;
        foreach (var (head, curve) in curves)
        {
            var ap = BinaryMetrics.AveragePrecision(curve);
            // Start at recall 0 with the first point's precision so the step of the first threshold is visible.
            double[] recall = curve.Count == 0 ? [] : [0.0, .. curve.Select(p => p.Recall)];
            double[] precision = curve.Count == 0 ? [] : [curve[0].Precision, .. curve.Select(p => p.Precision)];
            var line = plot.Add.ScatterLine(recall, precision);
            line.ConnectStyle = ConnectStyle.StepVertical;
            line.LineWidth = 2;
            line.Color = HeadPalette.GetColor(index++);
            line.LegendText = $"{head} (AP {Fmt(ap)})";
        }

        plot.ShowLegend(Alignment.LowerLeft);
        plot.SavePng(path, width, height);
    }

    /// <summary>Reliability diagram: observed positive rate against mean predicted score per bin, with the diagonal of perfect calibration.</summary>
    /// <param name="path">PNG file to write (replaced).</param>
    /// <param name="calibrations">Head name to its <see cref="BinaryMetrics.Calibration"/>; empty bins are skipped.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    public static void SaveCalibration(
        string path,
        IEnumerable<KeyValuePair<string, CalibrationResult>> calibrations,
        string title = "Calibration",
        int width = DefaultWidth,
        int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(calibrations);
        using var plot = NewUnitPlot(title, "Mean predicted probability", "Observed positive rate");
        AddDiagonal(plot, "perfectly calibrated");
        var index = 0;
        foreach (var (head, calibration) in calibrations)
        {
            var bins = calibration.Bins.Where(b => b.Count > 0).ToArray();
            var scatter = plot.Add.Scatter(bins.Select(b => b.MeanPredicted).ToArray(), bins.Select(b => b.ObservedRate).ToArray());
            scatter.LineWidth = 2;
            scatter.MarkerSize = 8;
            scatter.Color = HeadPalette.GetColor(index++);
            scatter.LegendText = $"{head} (ECE {Fmt(calibration.ExpectedCalibrationError)})";
        }

        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, width, height);
    }

    /// <summary>ROC curves computed from raw scores and labels per head (NaN labels skipped); see the curve overload.</summary>
    /// <param name="path">PNG file to write (replaced).</param>
    /// <param name="scored">Head name to its scores and labels.</param>
    /// <param name="title">Chart title.</param>
    public static void SaveRoc(string path, IReadOnlyDictionary<string, (float[] Scores, float[] Labels)> scored, string title = "ROC")
    {
        ArgumentNullException.ThrowIfNull(scored);
        SaveRoc(path, scored.Select(kv => KeyValuePair.Create(kv.Key, BinaryMetrics.RocCurve(kv.Value.Scores, kv.Value.Labels))), title);
    }

    /// <summary>Precision/recall curves computed from raw scores and labels per head; see the curve overload.</summary>
    /// <param name="path">PNG file to write (replaced).</param>
    /// <param name="scored">Head name to its scores and labels.</param>
    /// <param name="title">Chart title.</param>
    public static void SavePrecisionRecall(string path, IReadOnlyDictionary<string, (float[] Scores, float[] Labels)> scored, string title = "Precision / recall")
    {
        ArgumentNullException.ThrowIfNull(scored);
        SavePrecisionRecall(path, scored.Select(kv => KeyValuePair.Create(kv.Key, BinaryMetrics.PrecisionRecallCurve(kv.Value.Scores, kv.Value.Labels))), title);
    }

    /// <summary>Reliability diagram over 10 bins computed from raw scores and labels per head; see the bins overload.</summary>
    /// <param name="path">PNG file to write (replaced).</param>
    /// <param name="scored">Head name to its scores and labels.</param>
    /// <param name="title">Chart title.</param>
    public static void SaveCalibration(string path, IReadOnlyDictionary<string, (float[] Scores, float[] Labels)> scored, string title = "Calibration")
    {
        ArgumentNullException.ThrowIfNull(scored);
        SaveCalibration(path, scored.Select(kv => KeyValuePair.Create(kv.Key, BinaryMetrics.Calibration(kv.Value.Scores, kv.Value.Labels))), title);
    }

    private static Plot NewUnitPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        // A little margin so lines on 0 and 1 are not clipped by the frame.
        plot.Axes.SetLimits(-0.02, 1.02, -0.02, 1.02);
        return plot;
    }

    private static void AddDiagonal(Plot plot, string legend)
    {
        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.Color = Colors.Gray;
        diagonal.LegendText = legend;
    }

    private static string Fmt(double value) =>
        double.IsNaN(value) ? "n/a" : value.ToString("0.000", CultureInfo.InvariantCulture);
}
