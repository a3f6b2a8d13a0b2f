namespace StreamScoring.Training.Pipeline;

/// <summary>One model's out-of-fold conversion metrics on one real source.</summary>
/// <param name="Model">Model name: <c>transformer</c>, <c>transformer (raw)</c>, <c>cart + count</c>, <c>category rate</c>, <c>logistic (aggregates)</c>, <c>logistic (aggregates + context)</c>, <c>logistic per source (aggregates + context)</c>.</param>
/// <param name="Source"><c>all</c>, <c>rees46</c> or <c>diginetica</c>.</param>
/// <param name="Evaluation">Metrics with 95 % intervals (resampling users).</param>
public sealed record CrossValidationRow(string Model, string Source, HeadEvaluation Evaluation);
