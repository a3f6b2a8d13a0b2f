namespace StreamScoring.Training.Evaluation;

/// <summary>How many labelled rows an evaluation used and how many of them were positive.</summary>
/// <param name="N">Rows with a known label.</param>
/// <param name="Positives">Rows labelled positive.</param>
public readonly record struct LabelCounts(int N, int Positives)
{
    /// <summary>Rows labelled negative.</summary>
    public int Negatives => N - Positives;

    /// <summary>Share of positives; <see cref="double.NaN"/> when <see cref="N"/> is 0.</summary>
    public double BaseRate => N == 0 ? double.NaN : (double)Positives / N;
}
