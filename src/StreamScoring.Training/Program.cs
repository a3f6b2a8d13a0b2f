using System.CommandLine;
using StreamScoring.Datasets.Import;
using StreamScoring.Training.Replay;
using StreamScoring.Inference;
using StreamScoring.Training.Commands;
using StreamScoring.Training.Pipeline;

// The default is the shipped model, found from the working directory or the binary upwards (so score-file works
// from anywhere inside a checkout, and from the built binary's folder).
var model = new Option<string>("--model")
{
    Description = "Path of model.onnx (its manifest and segments.json sit beside it).",
    DefaultValueFactory = _ => RepositoryFiles.Find(Path.Combine("models", "model.onnx")) ?? Path.Combine("models", "model.onnx"),
};
var rees46 = new Option<string[]>("--rees46") { Description = "REES46 CSV files (default: every CSV under models/data/rees46).", AllowMultipleArgumentsPerToken = true };

var diginetica = new Option<string?>("--diginetica") { Description = "DIGINETICA directory (train-item-views.csv, train-purchases.csv, product-categories.csv); default models/data/diginetica, else ../shared/data/diginetica." };

var train = new Command("train", "Train the model on simulator + REES46 data, export ONNX, evaluate, fit segments, write the model card.");
var seed = new Option<int>("--seed") { Description = "Seed of data, sampling and training.", DefaultValueFactory = _ => 7 };
var users = new Option<int>("--users") { Description = "Simulated training users.", DefaultValueFactory = _ => 3000 };
var days = new Option<int>("--days") { Description = "Simulated days.", DefaultValueFactory = _ => 14 };
var epochs = new Option<int>("--epochs") { Description = "Maximum epochs.", DefaultValueFactory = _ => 12 };
var minutes = new Option<double>("--max-minutes") { Description = "Time budget of the optimisation loop.", DefaultValueFactory = _ => 10 };
var evalUsers = new Option<int>("--eval-users") { Description = "Simulated users per evaluation run.", DefaultValueFactory = _ => 1000 };
var k = new Option<int>("--segments") { Description = "Number of user segments (k-means k).", DefaultValueFactory = _ => 8 };
var outDir = new Option<string>("--output") { Description = "Output directory.", DefaultValueFactory = _ => "models" };
train.Options.Add(seed);
train.Options.Add(users);
train.Options.Add(days);
train.Options.Add(epochs);
train.Options.Add(minutes);
train.Options.Add(evalUsers);
train.Options.Add(k);
train.Options.Add(outDir);
train.Options.Add(rees46);
train.Options.Add(diginetica);
var cvMinutes = new Option<double>("--fold-minutes") { Description = "Transformer optimisation budget per cross-validation fold, minutes.", DefaultValueFactory = _ => new CrossValidationSettings().MinutesPerFold };
var noCv = new Option<bool>("--no-cv") { Description = "Skip the cross-validation on real data (faster; the card then has no real-data figures)." };
var groupDropout = new Option<double>("--group-dropout") { Description = "Feature-group dropout: chance per training sample that one attribution group is replaced by a non-fraudulent sample's.", DefaultValueFactory = _ => new TrainSettings().GroupDropout };
train.Options.Add(cvMinutes);
train.Options.Add(noCv);
train.Options.Add(groupDropout);
var realRepeat = new Option<int>("--real-repeat") { Description = "Times the real training samples are repeated in the transformer's training (the shipped model and each cross-validation fold).", DefaultValueFactory = _ => new TrainSettings().Rees46Repeat };
train.Options.Add(realRepeat);
train.SetAction(parse =>
{
    var settings = new TrainSettings
    {
        Seed = parse.GetValue(seed),
        SimUsers = parse.GetValue(users),
        SimDays = parse.GetValue(days),
        Epochs = parse.GetValue(epochs),
        MaxMinutes = parse.GetValue(minutes),
        EvalUsers = parse.GetValue(evalUsers),
        Segments = parse.GetValue(k),
        OutputDirectory = parse.GetValue(outDir)!,
        Rees46Files = Rees46Files(parse.GetValue(rees46)),
        DigineticaDirectory = DigineticaDirectory(parse.GetValue(diginetica)),
        CrossValidate = !parse.GetValue(noCv),
        GroupDropout = parse.GetValue(groupDropout),
        Rees46Repeat = parse.GetValue(realRepeat),
        CrossValidation = new CrossValidationSettings { MinutesPerFold = parse.GetValue(cvMinutes), GroupDropout = parse.GetValue(groupDropout), RealRepeat = parse.GetValue(realRepeat) },
    };
    TrainPipeline.Run(settings, Console.Out);
    return 0;
});

var evaluate = new Command("evaluate", "Evaluate the ONNX model; prints JSON metrics. Without --events: the model card's held-out sets.");
var events = new Option<string?>("--events") { Description = "Labelled events file (JSONL from the simulator, or REES46 CSV with --format rees46)." };
var format = new Option<EventFileFormat>("--format") { Description = "Input format: jsonl or rees46.", DefaultValueFactory = _ => EventFileFormat.Jsonl };
evaluate.Options.Add(model);
evaluate.Options.Add(events);
evaluate.Options.Add(format);
evaluate.Options.Add(rees46);
evaluate.SetAction(parse => Guard(() => EvaluateCommand.Run(parse.GetValue(model)!, parse.GetValue(events), parse.GetValue(format), Rees46Files(parse.GetValue(rees46)), Console.Out, Console.Error)));

var crossValidate = new Command("crossvalidate", "k-fold cross-validation by user of conversion over all real data: transformer (short budget per fold) and baselines on the same folds; prints JSON.");
var folds = new Option<int>("--folds") { Description = "Folds (k).", DefaultValueFactory = _ => 5 };
var baselinesOnly = new Option<bool>("--baselines-only") { Description = "Skip the transformer (no training)." };
var cvSimUsers = new Option<int>("--sim-users") { Description = "Simulated users in each fold's transformer training.", DefaultValueFactory = _ => new CrossValidationSettings().SimUsers };
crossValidate.Options.Add(folds);
crossValidate.Options.Add(baselinesOnly);
crossValidate.Options.Add(cvMinutes);
crossValidate.Options.Add(cvSimUsers);
crossValidate.Options.Add(groupDropout);
crossValidate.Options.Add(realRepeat);
var nextCategoryWeight = new Option<double>("--next-category-weight") { Description = "Weight of an auxiliary next-category loss on each fold's transformer (multi-task pretraining of the encoder on next-event prediction); 0 = off.", DefaultValueFactory = _ => new CrossValidationSettings().NextCategoryWeight };
crossValidate.Options.Add(nextCategoryWeight);
var cvOutput = new Option<string?>("--output") { Description = "Model directory: also write crossvalidation.json there and regenerate its model card's cross-validation section." };
crossValidate.Options.Add(cvOutput);
crossValidate.Options.Add(rees46);
crossValidate.Options.Add(diginetica);
crossValidate.SetAction(parse => Guard(() =>
{
    var cv = new CrossValidationSettings
    {
        Folds = parse.GetValue(folds),
        Transformer = !parse.GetValue(baselinesOnly),
        MinutesPerFold = parse.GetValue(cvMinutes),
        SimUsers = parse.GetValue(cvSimUsers),
        GroupDropout = parse.GetValue(groupDropout),
        RealRepeat = parse.GetValue(realRepeat),
        NextCategoryWeight = parse.GetValue(nextCategoryWeight),
    };
    var (real, bad) = StreamScoring.Training.Data.TrainingData.FromRealSources("real", Rees46Files(parse.GetValue(rees46)), DigineticaDirectory(parse.GetValue(diginetica)), _ => true);
    Console.Error.WriteLine($"[cv] {real.Events.Count} real events ({bad} bad rows)");
    var result = CrossValidation.Run(real, cv, Console.Error);
    var json = ModelCard.CrossValidationJson(result);
    Console.Out.WriteLine(json);
    if (parse.GetValue(cvOutput) is { } directory)
    {
        // Beside a model: its cross-validation file and the card's section (the same procedure, re-run). The card's
        // new text is made first, so a card without the section fails before either file is written.
        var card = Path.Combine(directory, "README.md");
        var cardText = File.Exists(card) ? ModelCard.WithCrossValidation(File.ReadAllText(card), result) : null;
        File.WriteAllText(Path.Combine(directory, TrainPipeline.CrossValidationFile), json);
        if (cardText is not null)
        {
            File.WriteAllText(card, cardText);
        }

        Console.Error.WriteLine($"[cv] wrote {Path.Combine(directory, TrainPipeline.CrossValidationFile)}{(cardText is null ? "" : " and the model card's cross-validation section")}");
    }

    return 0;
}));

var scoreFile = new Command("score-file", "Replay a file in timestamp order through the window state and the ONNX model; one JSON line per event.");
var input = new Option<string>("--input") { Description = "Input file.", Required = true };
var output = new Option<string>("--output") { Description = "Output JSONL file.", Required = true };
var segments = new Option<string?>("--segments") { Description = "Segments file (default: segments.json beside the model)." };
scoreFile.Options.Add(input);
scoreFile.Options.Add(format);
scoreFile.Options.Add(output);
scoreFile.Options.Add(model);
scoreFile.Options.Add(segments);
scoreFile.SetAction(parse => Guard(() => FileScorer.Run(parse.GetValue(input)!, parse.GetValue(format), parse.GetValue(output)!, parse.GetValue(model)!, parse.GetValue(segments), Console.Error)));

var segmentsCommand = new Command("segments", "Re-run the segment step for a trained model: profiles, names and alert baselines from the training users (centroids kept unless --refit).");
var refit = new Option<int?>("--refit") { Description = "Refit k-means with this many segments instead of keeping the centroids of segments.json." };
segmentsCommand.Options.Add(model);
segmentsCommand.Options.Add(seed);
segmentsCommand.Options.Add(users);
segmentsCommand.Options.Add(days);
segmentsCommand.Options.Add(rees46);
segmentsCommand.Options.Add(diginetica);
segmentsCommand.Options.Add(refit);
segmentsCommand.SetAction(parse => Guard(() =>
{
    var settings = new TrainSettings { Seed = parse.GetValue(seed), SimUsers = parse.GetValue(users), SimDays = parse.GetValue(days), Rees46Files = Rees46Files(parse.GetValue(rees46)), DigineticaDirectory = DigineticaDirectory(parse.GetValue(diginetica)) };
    StreamScoring.Training.Segments.SegmentBuilder.Run(parse.GetValue(model)!, settings, parse.GetValue(refit), Console.Out);
    return 0;
}));

var calibrate = new Command("calibrate", "Re-fit a trained model's calibrators and alert thresholds on the simulator calibration run, without retraining; rewrites the manifest, re-evaluates and refreshes the model card.");
calibrate.Options.Add(model);
calibrate.Options.Add(evalUsers);
calibrate.Options.Add(days);
var heads = new Option<string[]>("--heads") { Description = "Heads to re-fit (default: all); the others keep their calibrators.", AllowMultipleArgumentsPerToken = true };
calibrate.Options.Add(heads);
calibrate.SetAction(parse => Guard(() =>
    CalibrateCommand.Run(parse.GetValue(model)!, parse.GetValue(heads), new TrainSettings { EvalUsers = parse.GetValue(evalUsers), SimDays = parse.GetValue(days) }, Console.Error)));

var recommendEval = new Command("recommend-eval", "Next-item recommendation baselines (popularity, same category, co-occurrence, session kNN) and the learnt GRU model on the real sessions, cross-validated by user: HR@5/20 and NDCG@5/20 with 95 % intervals by session.");
var recommendFolds = new Option<int>("--folds") { Description = "Cross-validation folds (by user).", DefaultValueFactory = _ => 5 };
recommendEval.Options.Add(recommendFolds);
recommendEval.Options.Add(rees46);
recommendEval.Options.Add(diginetica);
recommendEval.SetAction(parse => Guard(() => RecommendEvalCommand.Run(Rees46Files(parse.GetValue(rees46)), DigineticaDirectory(parse.GetValue(diginetica)), parse.GetValue(recommendFolds), Console.Out, Console.Error)));

var nextCategory = new Command("next-category", "The next-category head over the model's frozen encoder, cross-validated by user on the real users against popular categories, same category and category transitions (HR@5/20, NDCG@5/20, 95 % intervals by visit); --attach then fits it on every real point and writes it into the model.");
var attachHead = new Option<bool>("--attach") { Description = "Fit the head on every real point and attach it to --model (rewrites the .onnx and its manifest; the risk heads are unchanged)." };
nextCategory.Options.Add(model);
nextCategory.Options.Add(recommendFolds);
nextCategory.Options.Add(rees46);
nextCategory.Options.Add(diginetica);
nextCategory.Options.Add(attachHead);
nextCategory.SetAction(parse => Guard(() => NextCategoryCommand.Run(
    parse.GetValue(model)!, Rees46Files(parse.GetValue(rees46)), DigineticaDirectory(parse.GetValue(diginetica)), parse.GetValue(recommendFolds), parse.GetValue(attachHead), Console.Out, Console.Error)));

var root = new RootCommand("StreamScoring model tool: train, evaluate, cross-validate, calibrate, score files, refresh segments and evaluate recommendations.") { train, evaluate, crossValidate, calibrate, scoreFile, segmentsCommand, recommendEval, nextCategory };
return root.Parse(args).Invoke();

static IReadOnlyList<string> Rees46Files(string[]? given) =>
    given is { Length: > 0 }
        ? given
        : Directory.Exists(Path.Combine("models", "data", "rees46"))
            ? [.. Directory.GetFiles(Path.Combine("models", "data", "rees46"), "*.csv").Order(StringComparer.Ordinal)]
            : [];

static string? DigineticaDirectory(string? given) =>
    given ?? new[] { Path.Combine("models", "data", "diginetica"), Path.Combine("..", "shared", "data", "diginetica") }
        .FirstOrDefault(d => File.Exists(Path.Combine(d, StreamScoring.Datasets.Import.DigineticaReader.ViewsFile)));

// A broken model, manifest, segments file or model card is a clear one-line error and exit code 2, not a stack trace.
static int Guard(Func<int> run)
{
    try
    {
        return run();
    }
    catch (Exception ex) when (ex is ModelLoadException or IOException or InvalidDataException or UnauthorizedAccessException or System.Text.Json.JsonException)
    {
        Console.Error.WriteLine($"error: {ex.Message}");
        return 2;
    }
}
