using Worcr.LocalServices;

namespace Worcr.Postgres.Tests;

/// <summary>
/// A fresh CI machine starts every test assembly's PostgreSQL at once, as root, and each makes sure the `worcr` account
/// exists. Two useradd calls at once can both succeed here, the later one making the account again under another uid,
/// so a data directory chowned to the first uid could not be used by the second (SystemUser holds a lock file).
/// </summary>
public sealed class SystemUserTests
{
    [Fact]
    public async Task Processes_racing_to_create_the_server_user_all_get_one_and_the_same_account()
    {
        // Without the lock about one race in four made the account twice, so the test runs several.
        for (var race = 0; race < 6; race++)
        {
            var name = FreshName();
            try
            {
                // Each racer reads the account's uid right after making sure of it, as PostgresProcess chowns then.
                var seen = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
                {
                    await SystemUser.EnsureAsync(name);
                    return await SystemUser.IdOfAsync(name);
                })));

                Assert.Single(seen.Distinct());
                Assert.Equal(seen[0], await SystemUser.IdOfAsync(name));
            }
            finally
            {
                await SystemUser.DeleteAsync(name);
            }
        }
    }

    [Fact]
    public async Task An_existing_user_is_left_as_it_is_and_a_missing_one_is_reported_missing()
    {
        await SystemUser.EnsureAsync("root");

        Assert.Equal(0, await SystemUser.IdOfAsync("root"));
        Assert.False(await SystemUser.ExistsAsync("worcr-no-such-user"));
    }

    [Fact]
    public async Task A_deleted_user_is_gone()
    {
        var name = FreshName();
        await SystemUser.EnsureAsync(name);

        await SystemUser.DeleteAsync(name);

        Assert.Null(await SystemUser.IdOfAsync(name));
    }

    private static string FreshName() => "worcr-t" + Guid.NewGuid().ToString("N")[..8];
}
