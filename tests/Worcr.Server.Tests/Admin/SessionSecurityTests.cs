using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Admin;

/// <summary>
/// Sessions end when their password changes; cookies are Secure over TLS, whether the node serves it (HttpTls) or a
/// trusted proxy says so (TrustedProxies), and only then.
/// </summary>
public sealed class SessionSecurityTests
{
    [Fact]
    public async Task A_session_ends_on_nodes_whose_password_for_its_role_changed_and_lives_on_where_it_did_not()
    {
        await using var cluster = await TestCluster.StartAsync(configure: SecuredAdminFixture.Secure);
        using var admin = await SignInAsync(cluster.Nodes[0].HttpAddress, SecuredAdminFixture.AdminPassword);
        using var viewer = await SignInAsync(cluster.Nodes[0].HttpAddress, SecuredAdminFixture.ReadOnlyPassword);
        // The same cluster (database, Redis, sessions) after the admin password was changed in the settings.
        var changed = await cluster.AddNodeAsync(options =>
        {
            SecuredAdminFixture.Secure(options);
            options.AdminPassword = "a-new-admin-pass-5e6f";
        });

        var adminCookie = admin.Cookies.GetCookieHeader(cluster.Nodes[0].HttpAddress);
        var viewerCookie = viewer.Cookies.GetCookieHeader(cluster.Nodes[0].HttpAddress);

        var adminOnChanged = await RulesStatusAsync(changed.HttpAddress, adminCookie);
        var adminOnUnchanged = await RulesStatusAsync(cluster.Nodes[0].HttpAddress, adminCookie);
        var viewerOnChanged = await RulesStatusAsync(changed.HttpAddress, viewerCookie);
        using var newSession = new SessionClient(changed.HttpAddress);
        using var newPassword = await newSession.SignInAsync("a-new-admin-pass-5e6f");

        Assert.Equal(HttpStatusCode.Unauthorized, adminOnChanged);
        Assert.Equal(HttpStatusCode.OK, adminOnUnchanged);
        Assert.Equal(HttpStatusCode.OK, viewerOnChanged);
        Assert.Equal(HttpStatusCode.OK, newPassword.StatusCode);
    }

    [Fact]
    public async Task Forwarded_proto_https_makes_the_cookie_secure_only_from_a_trusted_proxy()
    {
        await using var cluster = await TestCluster.StartAsync(configure: options =>
        {
            SecuredAdminFixture.Secure(options);
            options.TrustedProxies = "127.0.0.1, ::1";
        });
        var untrusting = await cluster.AddNodeAsync(SecuredAdminFixture.Secure);

        var trusted = await SignInCookieAsync(cluster.Nodes[0].HttpAddress, forwardedProto: "https");
        var trustedPlain = await SignInCookieAsync(cluster.Nodes[0].HttpAddress, forwardedProto: null);
        var ignored = await SignInCookieAsync(untrusting.HttpAddress, forwardedProto: "https");

        Assert.Contains("secure", trusted, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", trustedPlain, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", ignored, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task With_http_tls_the_admin_port_serves_https_and_the_cookie_is_secure()
    {
        var directory = Directory.CreateTempSubdirectory("worcr-tls-");
        try
        {
            var (certificate, key) = WriteSelfSignedCertificate(directory.FullName);
            await using var cluster = await TestCluster.StartAsync(configure: options =>
            {
                SecuredAdminFixture.Secure(options);
                options.TlsCertificatePath = certificate;
                options.TlsKeyPath = key;
                options.HttpTls = true;
            });
            var address = cluster.Nodes[0].HttpAddress;
            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true, UseCookies = false };
            using var http = new HttpClient(handler) { BaseAddress = address };

            using var response = await http.PostAsync("/api/session", Password(SecuredAdminFixture.AdminPassword));

            Assert.Equal("https", address.Scheme);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("secure", Assert.Single(response.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<SessionClient> SignInAsync(Uri address, string password)
    {
        var client = new SessionClient(address);
        using var response = await client.SignInAsync(password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return client;
    }

    /// <summary>GET /api/rules on a node with a session cookie from another node of the cluster, as a browser behind a balancer would.</summary>
    private static async Task<HttpStatusCode> RulesStatusAsync(Uri node, string cookie)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = node };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/rules");
        request.Headers.Add("Cookie", cookie);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<string> SignInCookieAsync(Uri address, string? forwardedProto)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = address };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/session") { Content = Password(SecuredAdminFixture.AdminPassword) };
        if (forwardedProto is not null) request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Assert.Single(response.Headers.GetValues("Set-Cookie"));
    }

    private static StringContent Password(string password) => new(JsonSerializer.Serialize(new { password }), Encoding.UTF8, "application/json");

    private static (string Certificate, string Key) WriteSelfSignedCertificate(string directory)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certificatePath = Path.Combine(directory, "node.crt");
        var keyPath = Path.Combine(directory, "node.key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }
}
