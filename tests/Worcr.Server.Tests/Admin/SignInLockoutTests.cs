using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Admin;

/// <summary>
/// Sign-in locks after repeated failures, per client address and for the account, on every node at once (the
/// counters are in Redis), and while locked it refuses even the right password without checking it. Nodes share a
/// fake clock, so a lock's end is reached by advancing it.
/// </summary>
public sealed class SignInLockoutTests
{
    private const string Wrong = "not-the-password";

    private static Task<TestCluster> StartAsync(FakeTimeProvider clock, string? trustedProxies = null) =>
        TestCluster.StartAsync(nodes: 2, configure: options =>
        {
            SecuredAdminFixture.Secure(options);
            options.TrustedProxies = trustedProxies;
        }, time: clock);

    [Fact]
    public async Task Five_failures_from_one_address_lock_sign_in_on_every_node_even_for_the_right_password_until_the_lock_ends()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = await StartAsync(clock);
        var failures = new List<HttpStatusCode>();

        for (var i = 0; i < 5; i++) failures.Add(await SignInAsync(cluster, node: i % 2, Wrong).Status());
        var (lockedStatus, retryAfter) = await SignInAsync(cluster, node: 0, SecuredAdminFixture.AdminPassword).StatusAndRetryAfter();
        var lockedOnOther = await SignInAsync(cluster, node: 1, SecuredAdminFixture.AdminPassword).Status();
        clock.Advance(TimeSpan.FromSeconds(1));
        var afterLock = await SignInAsync(cluster, node: 1, SecuredAdminFixture.AdminPassword).Status();

        Assert.All(failures, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, lockedStatus);
        Assert.Equal("1", retryAfter);
        Assert.Equal(HttpStatusCode.TooManyRequests, lockedOnOther);
        Assert.Equal(HttpStatusCode.OK, afterLock);
    }

    [Fact]
    public async Task Each_failure_after_a_lock_doubles_the_next_lock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = await StartAsync(clock);
        for (var i = 0; i < 5; i++) await SignInAsync(cluster, node: 0, Wrong).Status();
        var locks = new List<string?>();

        locks.Add((await SignInAsync(cluster, node: 1, Wrong).StatusAndRetryAfter()).RetryAfter);
        clock.Advance(TimeSpan.FromSeconds(1));
        var sixth = await SignInAsync(cluster, node: 1, Wrong).Status();
        locks.Add((await SignInAsync(cluster, node: 0, SecuredAdminFixture.AdminPassword).StatusAndRetryAfter()).RetryAfter);
        clock.Advance(TimeSpan.FromSeconds(2));
        var seventh = await SignInAsync(cluster, node: 0, Wrong).Status();
        locks.Add((await SignInAsync(cluster, node: 1, SecuredAdminFixture.AdminPassword).StatusAndRetryAfter()).RetryAfter);

        Assert.Equal(HttpStatusCode.Unauthorized, sixth);
        Assert.Equal(HttpStatusCode.Unauthorized, seventh);
        Assert.Equal(["1", "2", "4"], locks);
    }

    [Fact]
    public async Task Failures_spread_over_many_addresses_lock_the_account_for_every_address()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // The test's requests come through "a proxy" on loopback that names a different client each time.
        await using var cluster = await StartAsync(clock, trustedProxies: "127.0.0.0/8, ::1");
        var failures = new List<HttpStatusCode>();

        for (var i = 0; i < 20; i++) failures.Add(await SignInAsync(cluster, node: i % 2, Wrong, forwardedFor: $"198.51.100.{i + 1}").Status());
        var fresh = await SignInAsync(cluster, node: 0, SecuredAdminFixture.AdminPassword, forwardedFor: "203.0.113.7").Status();

        Assert.All(failures, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, fresh);
    }

    [Fact]
    public async Task Without_trusted_proxies_a_forwarded_address_is_ignored_and_cannot_dodge_the_lock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = await StartAsync(clock);

        for (var i = 0; i < 5; i++) await SignInAsync(cluster, node: 0, Wrong, forwardedFor: $"198.51.100.{i + 1}").Status();
        var dodge = await SignInAsync(cluster, node: 1, SecuredAdminFixture.AdminPassword, forwardedFor: "203.0.113.7").Status();

        Assert.Equal(HttpStatusCode.TooManyRequests, dodge);
    }

    private static async Task<HttpResponseMessage> SignInAsync(TestCluster cluster, int node, string password, string? forwardedFor = null)
    {
        using var http = new HttpClient { BaseAddress = cluster.Nodes[node].HttpAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/session")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { password }), Encoding.UTF8, "application/json"),
        };
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await http.SendAsync(request);
    }
}

/// <summary>Reads what these tests assert from a response and disposes it.</summary>
internal static class SignInResponses
{
    public static async Task<HttpStatusCode> Status(this Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        return response.StatusCode;
    }

    public static async Task<(HttpStatusCode Status, string? RetryAfter)> StatusAndRetryAfter(this Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        return (response.StatusCode, response.Headers.TryGetValues("Retry-After", out var values) ? values.Single() : null);
    }
}
