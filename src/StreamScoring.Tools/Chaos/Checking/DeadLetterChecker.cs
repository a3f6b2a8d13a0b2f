namespace StreamScoring.Tools.Chaos.Checking;

/// <summary>
/// Matches the dead letters (by digest of key and value, <see cref="Harness.MessageDigest"/>) with the bad inputs
/// produced: each input with an expected code must be there exactly once with that <c>error.code</c>; an input with
/// no expected code (a redelivery) and every valid event must not be there.
/// </summary>
internal static class DeadLetterChecker
{
    private const int MaxExamples = 5;

    /// <summary>Checks <paramref name="deadLetters"/> (digest, <c>error.code</c> header) against <paramref name="poison"/> (digest, kind, expected code).</summary>
    public static DeadLetterVerdict Check(IEnumerable<(string Digest, string Kind, string? Code)> poison, IReadOnlyCollection<(string Digest, string? Code)> deadLetters)
    {
        ArgumentNullException.ThrowIfNull(poison);
        ArgumentNullException.ThrowIfNull(deadLetters);
        // Identical inputs (an empty payload under one key) are a multiset: count them.
        var landed = new Dictionary<string, List<string?>>();
        foreach (var (digest, code) in deadLetters)
        {
            if (!landed.TryGetValue(digest, out var codes))
            {
                landed[digest] = codes = [];
            }

            codes.Add(code);
        }

        int missing = 0, wrong = 0, unexpected = 0;
        var kindsOk = new HashSet<string>();
        var kindsFailed = new HashSet<string>();
        var examples = new List<string>();
        void Example(string text)
        {
            if (examples.Count < MaxExamples)
            {
                examples.Add(text);
            }
        }

        foreach (var (digest, kind, expected) in poison)
        {
            var codes = landed.GetValueOrDefault(digest);
            if (expected is null)
            {
                if (codes is { Count: > 0 })
                {
                    unexpected++;
                    codes.RemoveAt(0);
                    kindsFailed.Add(kind);
                    Example($"{kind}: dead-lettered, must be absorbed as a duplicate");
                }
                else
                {
                    kindsOk.Add(kind);
                }

                continue;
            }

            if (codes is null || codes.Count == 0)
            {
                missing++;
                kindsFailed.Add(kind);
                Example($"{kind}: not on the dead-letter topic");
                continue;
            }

            var at = codes.IndexOf(expected);
            if (at < 0)
            {
                wrong++;
                kindsFailed.Add(kind);
                Example($"{kind}: dead-lettered as '{codes[0]}', expected '{expected}'");
                codes.RemoveAt(0);
            }
            else
            {
                kindsOk.Add(kind);
                codes.RemoveAt(at);
            }
        }

        // Whatever is left was not produced as poison: a valid event or a second copy of one input.
        foreach (var (digest, codes) in landed)
        {
            foreach (var code in codes)
            {
                unexpected++;
                Example($"a dead letter ({code}) that matches no bad input produced (digest {digest[..Math.Min(12, digest.Length)]})");
            }
        }

        kindsOk.ExceptWith(kindsFailed);
        return new DeadLetterVerdict(deadLetters.Count, missing, wrong, unexpected, kindsOk.Count, examples);
    }
}
