namespace StreamScoring.Training.Recommendation;

/// <summary>
/// Hit rate and NDCG at a cut-off for one target: with one relevant item, HR@K is 1 when it is among the first K
/// and NDCG@K is 1 / log2(rank + 1) then (rank 1 scores 1), 0 otherwise. Averaged over prediction points.
/// </summary>
public static class RankingMetrics
{
    /// <summary>HR@<paramref name="k"/> of a 1-based <paramref name="rank"/> (0 = not recommended).</summary>
    public static double HitRate(int rank, int k) => rank >= 1 && rank <= k ? 1 : 0;

    /// <summary>NDCG@<paramref name="k"/> of a 1-based <paramref name="rank"/> (0 = not recommended).</summary>
    public static double Ndcg(int rank, int k) => rank >= 1 && rank <= k ? 1 / Math.Log2(rank + 1) : 0;

    /// <summary>The 1-based rank of <paramref name="target"/> in <paramref name="recommended"/>, 0 when absent.</summary>
    public static int RankOf(List<string> recommended, string target)
    {
        ArgumentNullException.ThrowIfNull(recommended);
        var index = recommended.IndexOf(target);
        return index < 0 ? 0 : index + 1;
    }
}
