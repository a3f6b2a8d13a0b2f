using System.ComponentModel;
using System.Runtime.InteropServices;

namespace StreamScoring.Tools.Chaos.Harness;

/// <summary>Real POSIX signals through libc's <c>kill(2)</c>: what an orchestrator or the kernel sends.</summary>
internal static partial class Signals
{
    /// <summary>SIGKILL: the process ends at once, nothing runs.</summary>
    public const int Kill = 9;

    /// <summary>SIGTERM: the polite stop a container runtime sends first.</summary>
    public const int Terminate = 15;

    /// <summary>SIGCONT (Linux numbering).</summary>
    public const int Continue = 18;

    /// <summary>SIGSTOP (Linux numbering): the process freezes; its sockets stay open.</summary>
    public const int Stop = 19;

    /// <summary>Sends <paramref name="signal"/> to process <paramref name="pid"/>.</summary>
    /// <exception cref="Win32Exception">kill(2) failed (for example the process is gone).</exception>
    public static void Send(int pid, int signal)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The chaos command sends Linux signals.");
        }

        if (SysKill(pid, signal) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"kill({pid}, {signal}) failed");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);
}
