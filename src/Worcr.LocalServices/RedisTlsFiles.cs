using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Worcr.LocalServices;

/// <summary>
/// PEM files for a TLS redis-server on loopback: a throwaway certificate authority, a server certificate it signed
/// (for 127.0.0.1 and localhost) and a client certificate it signed, for servers that require client certificates.
/// </summary>
public sealed record RedisTlsFiles(string CaFile, string ServerCertificateFile, string ServerKeyFile, string ClientCertificateFile, string ClientKeyFile)
{
    /// <summary>Makes a new authority and both certificates in <paramref name="directory"/> (created when missing).</summary>
    public static RedisTlsFiles Create(string directory)
    {
        Directory.CreateDirectory(directory);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Worcr local Redis CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
        var files = new RedisTlsFiles(
            Path.Combine(directory, "ca.pem"),
            Path.Combine(directory, "server.pem"), Path.Combine(directory, "server.key"),
            Path.Combine(directory, "client.pem"), Path.Combine(directory, "client.key"));
        File.WriteAllText(files.CaFile, ca.ExportCertificatePem());
        Issue(ca, "CN=127.0.0.1", serverAuth: true, files.ServerCertificateFile, files.ServerKeyFile);
        Issue(ca, "CN=worcr-client", serverAuth: false, files.ClientCertificateFile, files.ClientKeyFile);
        return files;
    }

    private static void Issue(X509Certificate2 ca, string subject, bool serverAuth, string certificateFile, string keyFile)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        // id-kp-serverAuth or id-kp-clientAuth.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (serverAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var certificate = request.Create(ca, ca.NotBefore, ca.NotAfter, serial);
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
    }
}
