namespace StreamScoring.Deploy.Tests.Support;

/// <summary>One alerting rule of a rule file: its group, name, expression and annotations.</summary>
internal sealed record AlertRule(string Group, string Alert, string Expr, IReadOnlyDictionary<string, string> Annotations);
