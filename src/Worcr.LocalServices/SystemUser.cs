namespace Worcr.LocalServices;

/// <summary>
/// The unprivileged system account a server started by root runs as. Several processes (test assemblies run in
/// parallel, a node and its tests) can start servers on a fresh machine at the same moment, so creating the account
/// must tolerate losing the race: another process may create it between our check and our <c>useradd</c> (which then
/// says "already exists"), or hold the account files' lock while it does (which can make <c>useradd</c> refuse).
/// </summary>
public static class SystemUser
{
    private const int Attempts = 20;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>Creates <paramref name="name"/> as a system user without a home or a login shell unless it exists.</summary>
    public static async Task EnsureAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!await ExistsAsync(name, cancellationToken)) await CreateAsync(name, cancellationToken);
    }

    /// <summary>Creates <paramref name="name"/>; an account that exists once <c>useradd</c> has run, made by this call or another process's, is success.</summary>
    public static async Task CreateAsync(string name, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var created = await ProgramRun.TryRunAsync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name], cancellationToken);
            if (created.ExitCode == 0 || await ExistsAsync(name, cancellationToken)) return;
            if (attempt == Attempts)
            {
                throw new InvalidOperationException($"useradd {name} failed ({created.ExitCode}) {Attempts} times: {created.Output}");
            }
            // Most likely another useradd held the account files' lock; it lets go within milliseconds.
            await Task.Delay(RetryDelay, cancellationToken);
        }
    }

    public static async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) =>
        (await ProgramRun.TryRunAsync("id", ["-u", name], cancellationToken)).ExitCode == 0;
}
