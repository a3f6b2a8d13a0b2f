using System.Diagnostics;
using System.Globalization;

namespace StreamScoring.IntegrationTests.Fixtures;

/// <summary>Real POSIX signals to a child process (through <c>kill</c>), to freeze and thaw servers in tests.</summary>
internal static class ProcessSignals
{
    /// <summary>SIGSTOP: the process stops answering but keeps its sockets open (a hung server).</summary>
    public static void Stop(int processId) => Send("-STOP", processId);

    /// <summary>SIGCONT: the stopped process runs again.</summary>
    public static void Continue(int processId) => Send("-CONT", processId);

    private static void Send(string signal, int processId)
    {
        using var kill = Process.Start("kill", [signal, processId.ToString(CultureInfo.InvariantCulture)]);
        if (!kill.WaitForExit(5000) || kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {processId} failed");
        }
    }
}
