using System.Text.Json;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Datasets.Import;
using StreamScoring.Inference;

namespace StreamScoring.Training.Replay;

/// <summary>
/// The model tool's <c>score-file</c> command: replays a file in timestamp order through the in-memory window state and the
/// ONNX model, writing one JSON line per valid input event with the scores after that event (and, for a model with the
/// next-category head, <c>next_categories</c> and <c>next_items</c>: its top categories and products as on <c>user-scores</c>).
/// </summary>
public static class FileScorer
{
    private const int BatchSize = 256;

    /// <summary>Runs the command; returns the process exit code.</summary>
    public static int Run(string input, EventFileFormat format, string output, string modelPath, string? segmentsPath, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (!File.Exists(input))
        {
            log.WriteLine($"error: input file '{input}' does not exist");
            return 2;
        }

        using var scorer = new OnnxScorer(modelPath, new OnnxScorerOptions { Device = ScoringDevice.Cpu });
        var segments = SegmentCentroids.LoadBesideModel(modelPath, segmentsPath);

        var valid = new List<ImportedLine>();
        var bad = 0;
        foreach (var line in EventFiles.Read(input, format))
        {
            if (line.IsValid)
            {
                valid.Add(line);
            }
            else
            {
                bad++;
                log.WriteLine($"line {line.Line}: {line.Error.Code()}: {line.Error.Describe()}");
            }
        }

        // Timestamp order, input order for ties: the scores of an event see only it and earlier events.
        var ordered = valid.OrderBy(l => l.Event!.TimestampMs).ThenBy(l => l.Line).ToList();
        var store = new InMemoryFeatureStore();
        var batch = new FeatureBatch(BatchSize);
        var pending = new List<ImportedLine>(BatchSize);
        var scores = new float[BatchSize * FeatureSpec.Heads.Count];
        var embeddings = new float[BatchSize * scorer.EmbeddingSize];
        var k = scorer.NextCategoryCount;
        var nextCategories = new long[BatchSize * k];
        var nextCategoryScores = new float[BatchSize * k];
        var m = scorer.NextItemCount;
        var nextItems = new long[BatchSize * m];
        var nextItemScores = new float[BatchSize * m];

        using var stream = File.Create(output);
        using var writer = new Utf8JsonWriter(stream);
        foreach (var line in ordered)
        {
            var evt = line.Event!;
            store.TryApply(evt); // a duplicate event id is scored on unchanged features
            batch.Write(pending.Count, store.Find(evt.UserId)!);
            pending.Add(line);
            if (pending.Count == BatchSize)
            {
                Flush();
            }
        }

        Flush();
        log.WriteLine($"scored {ordered.Count} events from {input} ({bad} bad lines skipped) with model {scorer.ModelVersion} -> {output}");
        return 0;

        void Flush()
        {
            if (pending.Count == 0)
            {
                return;
            }

            var n = pending.Count;
            var s = FeatureSpec.SequenceLength;
            var tokens = batch.Tokens.AsSpan(0, n * FeatureBatch.TokensPerRow);
            var mask = batch.Mask.AsSpan(0, n * s);
            var aggregates = batch.Aggregates.AsSpan(0, n * FeatureSpec.AggregateCount);
            var rowScores = scores.AsSpan(0, n * FeatureSpec.Heads.Count);
            var rowEmbeddings = embeddings.AsSpan(0, n * scorer.EmbeddingSize);
            if (k > 0)
            {
                scorer.Score(
                    tokens, mask, aggregates, n, rowScores, rowEmbeddings, nextCategories.AsSpan(0, n * k), nextCategoryScores.AsSpan(0, n * k),
                    nextItems.AsSpan(0, n * m), nextItemScores.AsSpan(0, n * m));
            }
            else
            {
                scorer.Score(tokens, mask, aggregates, n, rowScores, rowEmbeddings);
            }

            for (var i = 0; i < n; i++)
            {
                var evt = pending[i].Event!;
                writer.WriteStartObject();
                writer.WriteNumber("line"u8, pending[i].Line);
                writer.WriteString("event_id"u8, evt.EventId);
                writer.WriteString("user_id"u8, evt.UserId);
                if (evt.SessionId is null)
                {
                    writer.WriteNull("session_id"u8);
                }
                else
                {
                    writer.WriteString("session_id"u8, evt.SessionId);
                }

                writer.WriteNumber("ts"u8, evt.TimestampMs);
                writer.WriteNumber("fraud"u8, Math.Round(scores[i * 3 + FeatureSpec.FraudHead], 6));
                writer.WriteNumber("churn"u8, Math.Round(scores[i * 3 + FeatureSpec.ChurnHead], 6));
                writer.WriteNumber("conversion"u8, Math.Round(scores[i * 3 + FeatureSpec.ConversionHead], 6));
                if (segments is null)
                {
                    writer.WriteNull("segment"u8);
                }
                else
                {
                    writer.WriteNumber("segment"u8, segments.Assign(embeddings.AsSpan(i * scorer.EmbeddingSize, scorer.EmbeddingSize)));
                }

                if (k > 0)
                {
                    writer.WriteStartArray("next_categories"u8);
                    for (var j = 0; j < k; j++)
                    {
                        var bucket = nextCategories[(i * k) + j];
                        writer.WriteStartObject();
                        if (scorer.NextCategoryLabel(bucket) is { } label)
                        {
                            writer.WriteString("category"u8, label);
                        }
                        else
                        {
                            writer.WriteNull("category"u8);
                        }

                        writer.WriteNumber("bucket"u8, bucket);
                        writer.WriteNumber("score"u8, Math.Round(nextCategoryScores[(i * k) + j], 6));
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }

                if (m > 0)
                {
                    writer.WriteStartArray("next_items"u8);
                    for (var j = 0; j < m; j++)
                    {
                        if (scorer.NextItem(nextItems[(i * m) + j]) is { } id)
                        {
                            writer.WriteStartObject();
                            writer.WriteString("product_id"u8, id);
                            writer.WriteNumber("score"u8, Math.Round(nextItemScores[(i * m) + j], 6));
                            writer.WriteEndObject();
                        }
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
                writer.Flush();
                writer.Reset(); // JSON lines: one top-level object per line
                stream.WriteByte((byte)'\n');
            }

            pending.Clear();
        }
    }
}
