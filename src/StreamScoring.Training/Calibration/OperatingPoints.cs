using StreamScoring.Inference;

namespace StreamScoring.Training.Calibration;

/// <summary>
/// Chooses alert operating points at the level where alerts are consumed, on a calibration run scored after every
/// event (calibrated scores): fraud per user (as the demo counts precision: users alerted at least once), churn as a
/// daily "top share most at risk" tier.
/// </summary>
public static class OperatingPoints
{
    /// <summary>Prefixes of the calibration stream the fraud threshold must hold on (a demo sees only the start of a run).</summary>
    public static IReadOnlyList<double> FraudShares { get; } = [0.05, 0.1, 0.25, 0.5, 1.0];

    /// <summary>Shares of the daily-active users the churn tier may alert.</summary>
    public static IReadOnlyList<double> ChurnShares { get; } = [0.01, 0.02, 0.05, 0.10];

    /// <summary>
    /// The lowest threshold whose per-user alert precision reaches <paramref name="targetPrecision"/> on every prefix in
    /// <see cref="FraudShares"/>: a user is alerted when any of its scores in the prefix reaches the threshold and is
    /// positive when any of its events in the prefix is. Alert counts apply <paramref name="cooldown"/> per user, as
    /// the worker does (an alert, then none for the cooldown).
    /// </summary>
    /// <param name="users">User of each event, in time order.</param>
    /// <param name="timesMs">Event time of each event.</param>
    /// <param name="positive">Label of each event.</param>
    /// <param name="scores">Calibrated score after each event.</param>
    /// <param name="cooldown">The head's alert cooldown.</param>
    /// <param name="targetPrecision">Per-user precision to reach on every prefix.</param>
    /// <returns>The threshold (null when none reaches the target) and the per-prefix outcome at it.</returns>
    public static (float? Threshold, IReadOnlyList<UserAlertPoint> Points) PerUserThreshold(
        IReadOnlyList<string> users, IReadOnlyList<long> timesMs, IReadOnlyList<bool> positive, IReadOnlyList<float> scores, TimeSpan cooldown, double targetPrecision)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(positive);
        var userIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var ids = new int[users.Count];
        for (var i = 0; i < users.Count; i++)
        {
            if (!userIndex.TryGetValue(users[i], out var u))
            {
                userIndex[users[i]] = u = userIndex.Count;
            }

            ids[i] = u;
        }

        var n = userIndex.Count;
        var shares = FraudShares;
        var maxScore = new float[shares.Count][];
        var isPositive = new bool[shares.Count][];
        var seen = new bool[shares.Count][];
        for (var c = 0; c < shares.Count; c++)
        {
            maxScore[c] = new float[n];
            Array.Fill(maxScore[c], float.NegativeInfinity);
            isPositive[c] = new bool[n];
            seen[c] = new bool[n];
            var end = (int)Math.Round(shares[c] * users.Count);
            for (var i = 0; i < end; i++)
            {
                var u = ids[i];
                seen[c][u] = true;
                maxScore[c][u] = Math.Max(maxScore[c][u], scores[i]);
                isPositive[c][u] |= positive[i];
            }
        }

        // Candidates: every user's maximum over the whole stream, highest first; keep the lowest that meets the target.
        float? best = null;
        foreach (var t in maxScore[^1].Where(float.IsFinite).Distinct().OrderDescending())
        {
            var ok = true;
            for (var c = 0; c < shares.Count && ok; c++)
            {
                int alerted = 0, tp = 0;
                for (var u = 0; u < n; u++)
                {
                    if (seen[c][u] && maxScore[c][u] >= t)
                    {
                        alerted++;
                        tp += isPositive[c][u] ? 1 : 0;
                    }
                }

                ok = alerted == 0 || (double)tp / alerted >= targetPrecision;
            }

            if (ok)
            {
                best = t;
            }
        }

        var points = new List<UserAlertPoint>();
        if (best is { } threshold)
        {
            for (var c = 0; c < shares.Count; c++)
            {
                var end = (int)Math.Round(shares[c] * users.Count);
                var lastAlert = new long?[n];
                var alerts = 0;
                for (var i = 0; i < end; i++)
                {
                    var u = ids[i];
                    if (scores[i] >= threshold && (lastAlert[u] is not { } last || timesMs[i] - last >= cooldown.TotalMilliseconds))
                    {
                        lastAlert[u] = timesMs[i];
                        alerts++;
                    }
                }

                int seenUsers = 0, positives = 0, alerted = 0, tp = 0;
                for (var u = 0; u < n; u++)
                {
                    if (!seen[c][u])
                    {
                        continue;
                    }

                    seenUsers++;
                    positives += isPositive[c][u] ? 1 : 0;
                    if (maxScore[c][u] >= threshold)
                    {
                        alerted++;
                        tp += isPositive[c][u] ? 1 : 0;
                    }
                }

                points.Add(new UserAlertPoint(shares[c], seenUsers, positives, alerted, tp, alerts));
            }
        }

        return (best, points);
    }

    /// <summary>
    /// The churn tier: each user's last score of each UTC day it is active (with a known label), and for each share in
    /// <see cref="ChurnShares"/> the threshold that marks that share of user-days, with its precision. Returns the
    /// tier with the highest precision (ties: the larger share), or the precision target itself when some threshold
    /// reaches it at the user-day level.
    /// </summary>
    public static (AlertTier Tier, IReadOnlyList<AlertTier> Candidates) ChurnTier(
        IReadOnlyList<string> users, IReadOnlyList<long> timesMs, IReadOnlyList<bool?> labels, IReadOnlyList<float> scores)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(timesMs);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(scores);
        var last = new Dictionary<(string User, long Day), int>();
        for (var i = 0; i < users.Count; i++)
        {
            if (labels[i] is not null)
            {
                last[(users[i], timesMs[i] / 86_400_000)] = i;
            }
        }

        var rows = last.Values.Select(i => (Score: scores[i], Label: labels[i]!.Value)).OrderByDescending(r => r.Score).ToArray();
        var positives = rows.Count(r => r.Label);
        var baseRate = rows.Length == 0 ? double.NaN : (double)positives / rows.Length;
        var candidates = new List<AlertTier>();
        foreach (var share in ChurnShares)
        {
            var k = Math.Max(1, (int)Math.Round(share * rows.Length));
            if (rows.Length == 0 || k > rows.Length)
            {
                continue;
            }

            var threshold = rows[k - 1].Score;
            var alerted = rows.Where(r => r.Score >= threshold).ToArray();
            var tp = alerted.Count(r => r.Label);
            candidates.Add(new AlertTier
            {
                Share = share,
                Threshold = threshold,
                MeasuredPrecision = (double)tp / alerted.Length,
                MeasuredRecall = positives == 0 ? double.NaN : (double)tp / positives,
                BaseRate = baseRate,
            });
        }

        // A run without a churner measures no tier (its recall is undefined, and NaN cannot go into the manifest).
        var chosen = positives == 0
            ? null
            : candidates.OrderByDescending(c => Math.Round(c.MeasuredPrecision, 2)).ThenByDescending(c => c.Share).FirstOrDefault();
        chosen ??= new AlertTier { Share = 0, Threshold = 1, BaseRate = baseRate };
        return (chosen, candidates);
    }
}
