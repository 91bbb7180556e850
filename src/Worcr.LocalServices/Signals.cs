using System.Runtime.InteropServices;

namespace Worcr.LocalServices;

/// <summary>POSIX signals, so servers get the polite shutdown they expect instead of SIGKILL.</summary>
internal static partial class Signals
{
    public const int SigInt = 2;
    public const int SigQuit = 3;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    public static bool Send(int pid, int signal) => Kill(pid, signal) == 0;

    public static bool RunningAsRoot => GetEffectiveUserId() == 0;
}
