namespace StreamScoring.Deploy.Tests.Chart;

/// <summary>One key of values.yaml: its dotted path and its <c># --</c> comment, when it has one.</summary>
internal sealed record ValuesKey(string Path, bool Documented, string? Comment);
