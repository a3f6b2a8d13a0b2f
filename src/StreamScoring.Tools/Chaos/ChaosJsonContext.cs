using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamScoring.Tools.Chaos;

/// <summary>Source-generated JSON for the report (one line, no indentation).</summary>
[JsonSerializable(typeof(ChaosReport))]
[JsonSourceGenerationOptions(WriteIndented = false)]
internal sealed partial class ChaosJsonContext : JsonSerializerContext
{
    /// <summary>The same, writing '&lt;', '&gt;', quotes and apostrophes in notes as they are (the report is no HTML).</summary>
    public static ChaosJsonContext Readable { get; } = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
