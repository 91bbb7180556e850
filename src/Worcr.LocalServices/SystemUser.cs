namespace Worcr.LocalServices;

/// <summary>
/// The unprivileged system account a server started by root runs as. Several processes (test assemblies run in
/// parallel, a node and its tests) can start servers on a fresh machine at the same moment, and useradd does not keep
/// them apart on this kind of machine: two useradd calls for one name can both succeed, the later one making the
/// account again under another uid (seen in CI: a data directory chowned to uid 999, then initdb run as the account, by
/// then uid 994, could not chmod it). So every account change Worcr makes holds one machine-wide lock, a flock on
/// <see cref="LockPath"/>, and looks for the account again under it.
/// </summary>
public static class SystemUser
{
    /// <summary>The lock file every account change holds (flock, through <see cref="FileShare.None"/>).</summary>
    public const string LockPath = "/tmp/worcr-system-accounts.lock";

    private const int Attempts = 20;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>Creates <paramref name="name"/> as a system user without a home or a login shell unless it exists.</summary>
    public static async Task EnsureAsync(string name, CancellationToken cancellationToken = default)
    {
        if (await ExistsAsync(name, cancellationToken)) return;
        using var accounts = await LockAccountsAsync(cancellationToken);
        for (var attempt = 1; !await ExistsAsync(name, cancellationToken); attempt++)
        {
            var created = await ProgramRun.TryRunAsync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name], cancellationToken);
            if (created.ExitCode == 0) return;
            if (attempt == Attempts) throw new InvalidOperationException($"useradd {name} failed ({created.ExitCode}) {Attempts} times: {created.Output}");
            // A process that does not take our lock (an administrator, another tool) may hold the account files' own.
            await Task.Delay(RetryDelay, cancellationToken);
        }
    }

    /// <summary>Deletes <paramref name="name"/> under the same lock (tests that make accounts of their own).</summary>
    public static async Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        using var accounts = await LockAccountsAsync(cancellationToken);
        await ProgramRun.TryRunAsync("userdel", [name], cancellationToken);
    }

    public static async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) =>
        await IdOfAsync(name, cancellationToken) is not null;

    /// <summary>The user id of <paramref name="name"/>, or null when there is no such account.</summary>
    public static async Task<int?> IdOfAsync(string name, CancellationToken cancellationToken = default)
    {
        var id = await ProgramRun.TryRunAsync("id", ["-u", name], cancellationToken);
        return id.ExitCode == 0 ? int.Parse(id.Output.Trim(), System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static async Task<FileStream> LockAccountsAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                // On Linux FileShare.None is an exclusive flock, held until the stream is disposed.
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                // Another process is changing an account; one useradd or userdel takes milliseconds.
                await Task.Delay(RetryDelay, cancellationToken);
            }
        }
    }
}
