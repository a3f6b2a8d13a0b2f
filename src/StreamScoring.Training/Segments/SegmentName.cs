namespace StreamScoring.Training.Segments;

/// <summary>A segment name and the rule that produced it.</summary>
/// <param name="Name">Short human-readable name such as <c>suspected fraud</c>.</param>
/// <param name="Rule">The rule, with the numbers that matched, e.g. <c>fraud rate 12.0% &gt;= 3x population 1.0%</c>.</param>
public readonly record struct SegmentName(string Name, string Rule);
