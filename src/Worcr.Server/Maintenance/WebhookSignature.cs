using System.Security.Cryptography;
using System.Text;

namespace Worcr.Server.Maintenance;

/// <summary>
/// Worcr-Signature: "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body). The timestamp is signed too, so a
/// receiver that rejects old timestamps also rejects replays of a captured request.
/// </summary>
internal static class WebhookSignature
{
    public const string Prefix = "sha256=";

    public static string Sign(string secret, string timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + body));
        return Prefix + Convert.ToHexStringLower(mac);
    }
}
