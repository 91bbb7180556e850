using Grpc.Core;

namespace Worcr.Worker.Internal;

internal static class Authorization
{
    public const string HeaderName = "authorization";

    /// <summary>Metadata carrying "Bearer &lt;secret&gt;", or null when there is no secret (unauthenticated local mode).</summary>
    public static Metadata? BearerHeaders(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return null;
        }

        return new Metadata { { HeaderName, $"Bearer {secret}" } };
    }
}
