using System.Text.Json;

namespace StreamScoring.Training.Evaluation;

/// <summary>
/// Evaluation of every head on every dataset, as written beside a model: <c>{"datasets": {"val": [ head, ... ]}}</c>.
/// Dataset names are kept as given; head fields are snake_case (see <see cref="HeadReport"/>); NaN is <c>null</c>.
/// </summary>
/// <param name="Datasets">Dataset name (for example <c>val</c>, <c>test</c>) to the reports of its heads.</param>
public sealed record EvaluationReport(IReadOnlyDictionary<string, IReadOnlyList<HeadReport>> Datasets)
{
    /// <summary>The report as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, EvaluationJsonContext.Default.EvaluationReport);

    /// <summary>Parses a report written by <see cref="ToJson"/>.</summary>
    /// <exception cref="JsonException">The text is not a report.</exception>
    public static EvaluationReport FromJson(string json) =>
        JsonSerializer.Deserialize(json, EvaluationJsonContext.Default.EvaluationReport)
        ?? throw new JsonException("evaluation report is null");

    /// <summary>Writes the report to <paramref name="path"/> (UTF-8 JSON), replacing the file.</summary>
    public void Write(string path) => File.WriteAllText(path, ToJson());

    /// <summary>Reads a report from <paramref name="path"/>.</summary>
    public static EvaluationReport Read(string path) => FromJson(File.ReadAllText(path));
}
