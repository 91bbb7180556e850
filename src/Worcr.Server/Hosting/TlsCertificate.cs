using System.Security.Cryptography.X509Certificates;

namespace Worcr.Server.Hosting;

/// <summary>Loads the node's TLS certificate from PEM files.</summary>
internal static class TlsCertificate
{
    public static X509Certificate2 Load(string certificatePath, string keyPath)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception exception) when (exception is IOException or System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidOperationException($"TlsCertificatePath/TlsKeyPath: cannot load the certificate '{certificatePath}' with key '{keyPath}': {exception.Message}", exception);
        }
    }
}
