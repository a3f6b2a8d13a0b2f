namespace StreamScoring.IntegrationTests.Commands;

/// <summary>Exit status and output of a command run in a separate process.</summary>
internal sealed record CommandResult(int Exit, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {Exit}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
