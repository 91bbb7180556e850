using System.Diagnostics;
using Worcr.LocalServices;

namespace Worcr.Postgres.Tests;

/// <summary>
/// A fresh CI machine starts every test assembly's PostgreSQL at once, as root. Each checked that the `worcr` user was
/// missing; one created it, and a slower one's useradd then failed with "already exists", failing 93 tests before any ran.
/// </summary>
public sealed class SystemUserTests
{
    [Fact]
    public async Task A_useradd_that_finds_the_user_already_made_by_another_process_succeeds()
    {
        var name = FreshName();
        try
        {
            await SystemUser.EnsureAsync(name);

            await SystemUser.CreateAsync(name); // what the process that lost the race runs after its check said "missing"

            Assert.True(await SystemUser.ExistsAsync(name));
        }
        finally
        {
            await DeleteAsync(name);
        }
    }

    [Fact]
    public async Task Processes_racing_to_create_the_server_user_all_succeed()
    {
        var name = FreshName();
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => SystemUser.EnsureAsync(name))));

            Assert.True(await SystemUser.ExistsAsync(name));
        }
        finally
        {
            await DeleteAsync(name);
        }
    }

    [Fact]
    public async Task An_existing_user_is_left_as_it_is_and_a_missing_one_is_reported_missing()
    {
        await SystemUser.EnsureAsync("root");

        Assert.True(await SystemUser.ExistsAsync("root"));
        Assert.False(await SystemUser.ExistsAsync("worcr-no-such-user"));
    }

    private static string FreshName() => "worcr-t" + Guid.NewGuid().ToString("N")[..8];

    private static async Task DeleteAsync(string name)
    {
        using var userdel = Process.Start("userdel", name);
        await userdel.WaitForExitAsync();
    }
}
