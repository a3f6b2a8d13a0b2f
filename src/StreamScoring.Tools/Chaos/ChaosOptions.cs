namespace StreamScoring.Tools.Chaos;

/// <summary>Options of the <c>chaos</c> command.</summary>
/// <param name="Events">Valid events per scenario (default 100,000).</param>
/// <param name="Users">Distinct users (default 2,000).</param>
/// <param name="WorkerAssembly">The worker's <c>streamscoring.dll</c>; null: the one built beside this tool.</param>
/// <param name="KeepRunDirectories">Keep logs and data of passing scenarios too (failing ones are always kept).</param>
/// <param name="Seed">Seed of the traffic and the fault times (default 7).</param>
internal sealed record ChaosOptions(int Events = 100_000, int Users = 2_000, string? WorkerAssembly = null, bool KeepRunDirectories = false, int Seed = 7);
