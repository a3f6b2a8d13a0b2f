using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamScoring.Training.Evaluation;

/// <summary>
/// Writes NaN and ±∞ as JSON <c>null</c> (JSON has no such numbers, and "undefined" is what they mean in a report,
/// e.g. the AUC of a head without positives) and reads <c>null</c> back as NaN.
/// </summary>
internal sealed class NonFiniteAsNullConverter : JsonConverter<double>
{
    public override bool HandleNull => true;

    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
