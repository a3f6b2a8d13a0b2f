using System.Diagnostics;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Simulator;
using StreamScoring.Training.Baselines;
using StreamScoring.Training.Calibration;
using StreamScoring.Training.Data;
using StreamScoring.Training.Evaluation;
using StreamScoring.Training.Model;

namespace StreamScoring.Training.Pipeline;

/// <summary>
/// k-fold cross-validation BY USER of session conversion over all real data: every model (the transformer and the
/// baselines) is fitted on k-1 folds and scores the held-out fold, so every real scoring point gets exactly one
/// out-of-fold score from each model, computed by the same code on the same folds. Metrics come with 95 % bootstrap
/// intervals resampling users.
/// </summary>
/// <remarks>
/// Scoring points: each event before its session's first purchase (all events of a session without one); label =
/// the session purchases. Baselines: <c>cart + count</c> (a cart event so far in the session, then the session's
/// event count; a ranking, not a probability), <c>category rate</c> (the training folds' purchase rate of the
/// current event's category, smoothed toward the overall rate with 5 pseudo-points), <c>logistic (aggregates)</c>
/// (<see cref="LogisticRegression"/> on the 98 window aggregates), <c>logistic (aggregates + context)</c> (the same with
/// the <see cref="ContextFeatureNames"/>, encoded out of fold) and that model fitted per source. The transformer of each fold is trained on a
/// smaller simulator run plus the real training folds' events (every event a scoring point, labels by
/// <see cref="Datasets.Labels.FutureLabeler"/>) with a short budget (<see cref="CrossValidationSettings.MinutesPerFold"/>),
/// and its conversion head calibrated on a separate simulator run; the shipped model trains longer on more data,
/// so these figures estimate the procedure, conservatively.
/// </remarks>
public static class CrossValidation
{
    /// <summary>The transformer, calibrated.</summary>
    public const string TransformerModel = "transformer";

    /// <summary>The transformer's raw (uncalibrated) scores.</summary>
    public const string TransformerRawModel = "transformer (raw)";

    /// <summary>Cart so far, then event count.</summary>
    public const string CartCountModel = "cart + count";

    /// <summary>Per-category purchase rate.</summary>
    public const string CategoryRateModel = "category rate";

    /// <summary>Logistic regression on the 98 aggregates.</summary>
    public const string LogisticModel = "logistic (aggregates)";

    /// <summary>
    /// Logistic regression on the 98 aggregates plus the <see cref="ContextFeatureNames"/> (purchase rates of the current
    /// category, product and brand, price relative to the category's median price, source), all fitted on the training folds.
    /// </summary>
    public const string LogisticContextModel = "logistic (aggregates + context)";

    /// <summary>The same, one model per source (the sources disagree: more distinct products means fewer purchases on REES46, more views more purchases on DIGINETICA).</summary>
    public const string LogisticContextPerSourceModel = "logistic per source (aggregates + context)";

    /// <summary>The baselines, in table order.</summary>
    public static IReadOnlyList<string> Baselines { get; } = [CartCountModel, CategoryRateModel, LogisticModel, LogisticContextModel, LogisticContextPerSourceModel];

    /// <summary>Context features appended to the aggregates by the context baselines.</summary>
    public static IReadOnlyList<string> ContextFeatureNames { get; } = ["category_rate", "product_rate", "brand_rate", "log_price_vs_category_median", "is_diginetica"];

    private const double CategoryPrior = 5;

    /// <summary>The fold of a user (stable hash of the id, so folds never change between runs or machines).</summary>
    public static int FoldOf(string userId, int folds) => (int)(TokenEncoder.StableHash("cv:" + userId) % (ulong)folds);

    /// <summary>Runs the cross-validation over <paramref name="real"/> (all real sources, conversion labels).</summary>
    public static CrossValidationResult Run(LabelledEvents real, CrossValidationSettings settings, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        var clock = Stopwatch.StartNew();
        var k = settings.Folds;
        var (relabelled, points) = TrainingData.SessionConversion(real);
        var eval = FeatureReplay.Build(relabelled, points);
        var n = eval.Count;
        var labels = new float[n];
        var users = eval.Groups;
        var fold = new int[n];
        for (var i = 0; i < n; i++)
        {
            labels[i] = eval.LabelOf(i, FeatureSpec.ConversionHead) == true ? 1 : 0;
            fold[i] = FoldOf(eval.UserOf(i), k);
        }

        var (sessionEvents, sessionCarts) = SessionSoFar(real);
        var aggregates = eval.Aggregates;
        var scores = new Dictionary<string, float[]>(StringComparer.Ordinal)
        {
            [CartCountModel] = new float[n],
            [CategoryRateModel] = new float[n],
            [LogisticModel] = new float[n],
            [LogisticContextModel] = new float[n],
            [LogisticContextPerSourceModel] = new float[n],
        };

        for (var i = 0; i < n; i++)
        {
            var e = eval.EventIndex[i];
            scores[CartCountModel][i] = (0.5f * (sessionCarts[e] > 0 ? 1 : 0)) + (0.5f * sessionEvents[e] / (sessionEvents[e] + 1f));
        }

        SampleSet? sim = null, realTraining = null, calibration = null;
        if (settings.Transformer)
        {
            scores[TransformerModel] = new float[n];
            scores[TransformerRawModel] = new float[n];
            log.WriteLine($"[cv] simulating {settings.SimUsers} users for the folds' transformer training; calibration run of {settings.CalibrationUsers} users");
            var simStream = TrainingData.FromSimulator("cv-simulator", SimulatorOptions.Training(settings.Seed) with { Users = settings.SimUsers, Days = settings.SimDays });
            sim = FeatureReplay.Build(simStream, FeatureReplay.SamplePerUser(simStream, settings.SamplesPerUser, settings.Seed));
            realTraining = FeatureReplay.Build(real, Enumerable.Range(0, real.Events.Count));
            calibration = EvaluationSets.SimulatorCalibration(settings.CalibrationUsers, settings.SimDays);
        }

        for (var f = 0; f < k; f++)
        {
            var train = Enumerable.Range(0, n).Where(i => fold[i] != f).ToArray();
            var test = Enumerable.Range(0, n).Where(i => fold[i] == f).ToArray();
            if (test.Length == 0)
            {
                continue;
            }

            // Category rate, fitted on the training folds.
            var overall = train.Length == 0 ? 0 : train.Average(i => labels[i]);
            var byCategory = new Dictionary<string, (double Positives, int Count)>(StringComparer.Ordinal);
            foreach (var i in train)
            {
                var key = CategoryKey(real.Events[eval.EventIndex[i]]);
                var (p, c) = byCategory.GetValueOrDefault(key);
                byCategory[key] = (p + labels[i], c + 1);
            }

            foreach (var i in test)
            {
                var (p, c) = byCategory.GetValueOrDefault(CategoryKey(real.Events[eval.EventIndex[i]]));
                scores[CategoryRateModel][i] = (float)((p + (CategoryPrior * overall)) / (c + CategoryPrior));
            }

            // Logistic regression on the aggregates.
            var a = FeatureSpec.AggregateCount;
            var x = new float[train.Length * a];
            var y = new float[train.Length];
            for (var r = 0; r < train.Length; r++)
            {
                Array.Copy(aggregates, train[r] * a, x, r * a, a);
                y[r] = labels[train[r]];
            }

            var logistic = LogisticRegression.Fit(x, y, a);
            foreach (var i in test)
            {
                scores[LogisticModel][i] = logistic.Predict(aggregates.AsSpan(i * a, a));
            }

            FitContextBaselines(real, eval, labels, fold, train, test, aggregates, scores);

            if (settings.Transformer)
            {
                TrainFold(f, settings, sim!, realTraining!, calibration!, eval, test, scores[TransformerRawModel], scores[TransformerModel], log);
            }

            log.WriteLine($"[cv] fold {f + 1}/{k}: {train.Length} training points, {test.Length} held-out points ({test.Count(i => labels[i] > 0.5f)} positive), {clock.Elapsed.TotalMinutes:F1} min");
        }

        var rows = new List<CrossValidationRow>();
        var models = settings.Transformer ? new[] { TransformerModel, TransformerRawModel }.Concat(Baselines) : Baselines;
        foreach (var model in models)
        {
            foreach (var source in new[] { "all", "rees46", "diginetica" })
            {
                var keep = Enumerable.Range(0, n).Where(i => source == "all" || TrainingData.SourceOf(eval.UserOf(i)) == source).ToArray();
                if (keep.Length == 0)
                {
                    continue;
                }

                var s = keep.Select(i => scores[model][i]).ToArray();
                var l = keep.Select(i => labels[i]).ToArray();
                var u = keep.Select(i => users[i]).ToArray();
                rows.Add(new CrossValidationRow(model, source, ModelEvaluation.EvaluateRows("conversion", s, l, u, null, "event", settings.Resamples)));
            }
        }

        var best = Baselines.OrderByDescending(b => rows.First(r => r.Model == b && r.Source == "all").Evaluation.Report.RocAuc).First();
        MetricInterval? margin = null;
        if (settings.Transformer)
        {
            var t = scores[TransformerModel];
            var b = scores[best];
            margin = Bootstrap.Intervals(users, 1, rowsDrawn =>
            {
                var l = rowsDrawn.Select(i => labels[i]).ToArray();
                return [BinaryMetrics.RocAuc(rowsDrawn.Select(i => t[i]).ToArray(), l) - BinaryMetrics.RocAuc(rowsDrawn.Select(i => b[i]).ToArray(), l)];
            }, settings.Resamples, Bootstrap.DefaultSeed)[0];
        }

        var result = new CrossValidationResult(k, eval.Users.Count, n, (int)labels.Sum(), rows, best, margin, settings, clock.Elapsed);
        foreach (var row in rows)
        {
            var r = row.Evaluation.Report;
            var ci = row.Evaluation.Intervals!.RocAuc;
            log.WriteLine($"[cv] {row.Model,-22} {row.Source,-10} n={r.N,5} pos={r.Positives,4} ROC-AUC={r.RocAuc:F3} [{ci.Lower:F3}, {ci.Upper:F3}] PR-AUC={r.PrAuc:F3} ECE={r.Ece:F3}");
        }

        if (margin is { } m)
        {
            log.WriteLine($"[cv] transformer - {best}: ROC-AUC {m.Value:+0.000;-0.000} [{m.Lower:+0.000;-0.000}, {m.Upper:+0.000;-0.000}] ({clock.Elapsed.TotalMinutes:F1} min)");
        }

        return result;
    }

    private static void TrainFold(int f, CrossValidationSettings settings, SampleSet sim, SampleSet realTraining, SampleSet calibration, SampleSet eval, int[] test, float[] raw, float[] calibrated, TextWriter log)
    {
        var combined = new SampleSet();
        combined.AddRange(sim);
        var realFold = realTraining.Subset(Enumerable.Range(0, realTraining.Count).Where(i => FoldOf(realTraining.UserOf(i), settings.Folds) != f));
        for (var r = 0; r < settings.RealRepeat; r++)
        {
            combined.AddRange(realFold);
        }

        var trainer = new Trainer(new TrainerOptions { Epochs = settings.Epochs, Seed = settings.Seed + f, MaxDuration = TimeSpan.FromMinutes(settings.MinutesPerFold), GroupDropout = settings.GroupDropout, NextCategoryWeight = settings.NextCategoryWeight });
        var trained = trainer.Train(combined.ToTrainingSet());
        var model = trained.Model;
        var held = eval.Subset(test);
        var (probabilities, _) = Trainer.Predict(model, held.Tokens, held.Mask, held.Aggregates);
        var (calibrationProbabilities, _) = Trainer.Predict(model, calibration.Tokens, calibration.Mask, calibration.Aggregates);
        var (calScores, calLabels) = ModelEvaluation.HeadData(calibration, calibrationProbabilities, FeatureSpec.ConversionHead);
        var calibrator = CalibrationRun.FitHead(FeatureSpec.ConversionHead, calScores, calLabels);
        for (var r = 0; r < test.Length; r++)
        {
            var p = probabilities[(r * FeatureSpec.Heads.Count) + FeatureSpec.ConversionHead];
            raw[test[r]] = p;
            calibrated[test[r]] = calibrator.Apply(p);
        }

        log.WriteLine($"[cv] fold {f + 1}: transformer {trained.StopReason} after {trained.Epochs.Count} epochs on {combined.Count} samples ({realFold.Count} real x {settings.RealRepeat}), {trained.Elapsed.TotalSeconds:F0} s");
        model.Dispose();
    }

    private static string CategoryKey(ClickEvent e) => e.CategoryPath ?? "(none)";

    // The context baselines: rates fitted on the training folds; a training row is encoded with rates fitted on the
    // training folds other than its own (nested out-of-fold), so no row ever sees its own label.
    private static void FitContextBaselines(LabelledEvents real, SampleSet eval, float[] labels, int[] fold, int[] train, int[] test, float[] aggregates, Dictionary<string, float[]> scores)
    {
        var c = ContextFeatureNames.Count;
        var a = FeatureSpec.AggregateCount;
        var context = ContextFeatures(real, eval, labels, fold, train, test);

        var combined = Fit(train, i => Concat(aggregates.AsSpan(i * a, a), context.AsSpan(i * c, c)), a + c);
        foreach (var i in test)
        {
            scores[LogisticContextModel][i] = combined.Predict(Concat(aggregates.AsSpan(i * a, a), context.AsSpan(i * c, c)));
        }

        foreach (var source in new[] { "rees46", "diginetica" })
        {
            var sourceTrain = train.Where(i => TrainingData.SourceOf(eval.UserOf(i)) == source).ToArray();
            // A source without training rows (data of one source only) falls back to the pooled model.
            var perSource = sourceTrain.Length == 0 ? combined : Fit(sourceTrain, i => Concat(aggregates.AsSpan(i * a, a), context.AsSpan(i * c, c)), a + c);
            foreach (var i in test.Where(i => TrainingData.SourceOf(eval.UserOf(i)) == source))
            {
                scores[LogisticContextPerSourceModel][i] = perSource.Predict(Concat(aggregates.AsSpan(i * a, a), context.AsSpan(i * c, c)));
            }
        }

        LogisticRegression Fit(int[] rows, Func<int, float[]> row, int dimension)
        {
            var x = new float[rows.Length * dimension];
            var y = new float[rows.Length];
            for (var r = 0; r < rows.Length; r++)
            {
                row(rows[r]).CopyTo(x, r * dimension);
                y[r] = labels[rows[r]];
            }

            return LogisticRegression.Fit(x, y, dimension);
        }
    }

    /// <summary>
    /// The <see cref="ContextFeatureNames"/> (rows x features) of the <paramref name="train"/> and <paramref name="test"/>
    /// rows of one fold: a held-out row's rates come from the training rows, a training row's from the training rows
    /// of the other folds, so no row's features depend on the labels of its own fold.
    /// </summary>
    internal static float[] ContextFeatures(LabelledEvents real, SampleSet eval, float[] labels, int[] fold, int[] train, int[] test)
    {
        var context = new float[eval.Count * ContextFeatureNames.Count];
        foreach (var g in train.Select(i => fold[i]).Distinct())
        {
            var fit = train.Where(i => fold[i] != g).ToArray();
            WriteContext(real, eval, labels, fit, train.Where(i => fold[i] == g), context);
        }

        WriteContext(real, eval, labels, train, test, context);
        return context;
    }

    private static float[] Concat(ReadOnlySpan<float> first, ReadOnlySpan<float> second)
    {
        var row = new float[first.Length + second.Length];
        first.CopyTo(row);
        second.CopyTo(row.AsSpan(first.Length));
        return row;
    }

    // Writes the context features of `rows`, with rates and category prices fitted on `fit` only.
    private static void WriteContext(LabelledEvents real, SampleSet eval, float[] labels, int[] fit, IEnumerable<int> rows, float[] context)
    {
        var n = eval.Count;
        var events = Enumerable.Range(0, n).Select(i => real.Events[eval.EventIndex[i]]).ToArray();
        var categories = events.Select(CategoryKey).ToArray();
        var products = events.Select(e => e.ProductId ?? "(none)").ToArray();
        var brands = events.Select(e => e.Brand ?? "(none)").ToArray();
        var category = TargetRate.Fit(categories, labels, fit);
        var product = TargetRate.Fit(products, labels, fit);
        var brand = TargetRate.Fit(brands, labels, fit);
        var medianPrice = fit.Where(i => events[i].Price > 0)
            .GroupBy(i => categories[i], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Median(g.Select(i => events[i].Price)), StringComparer.Ordinal);
        var c = ContextFeatureNames.Count;
        foreach (var i in rows)
        {
            var categoryRate = category.Rate(categories[i]);
            context[(i * c) + 0] = (float)categoryRate;
            context[(i * c) + 1] = (float)product.Rate(products[i], categoryRate);
            context[(i * c) + 2] = (float)brand.Rate(brands[i]);
            context[(i * c) + 3] = events[i].Price > 0 && medianPrice.TryGetValue(categories[i], out var median) ? (float)Math.Log(events[i].Price / median) : 0;
            context[(i * c) + 4] = TrainingData.SourceOf(eval.UserOf(i)) == "diginetica" ? 1 : 0;
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    // Per stream index: events of the session so far (this one included) and cart events among them.
    private static (int[] Events, int[] Carts) SessionSoFar(LabelledEvents stream)
    {
        var events = new int[stream.Events.Count];
        var carts = new int[stream.Events.Count];
        var counts = new Dictionary<string, (int Events, int Carts)>(StringComparer.Ordinal);
        for (var i = 0; i < stream.Events.Count; i++)
        {
            var e = stream.Events[i];
            var key = e.UserId + "\u0001" + (e.SessionId ?? string.Empty);
            var (c, cart) = counts.GetValueOrDefault(key);
            c++;
            cart += e.Type == EventType.Cart ? 1 : 0;
            counts[key] = (c, cart);
            events[i] = c;
            carts[i] = cart;
        }

        return (events, carts);
    }
}
