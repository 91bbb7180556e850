using Microsoft.AspNetCore.Builder;

namespace Worcr.Admin;

/// <summary>
/// Endpoint metadata: the read-only role may call this endpoint because it changes nothing. Deny by default: an
/// endpoint without it is for the admin role only, whatever its method or path, so a new endpoint is closed to
/// read-only sessions until someone decides it is pure and says so where it is mapped.
/// </summary>
internal sealed class ReadOnlyAccess
{
    public static readonly ReadOnlyAccess Instance = new();

    private ReadOnlyAccess()
    {
    }
}

/// <summary><c>.AllowReadOnly()</c> on an endpoint that only reads or computes (<see cref="ReadOnlyAccess"/>).</summary>
internal static class ReadOnlyAccessExtensions
{
    public static TBuilder AllowReadOnly<TBuilder>(this TBuilder endpoint) where TBuilder : IEndpointConventionBuilder =>
        endpoint.WithMetadata(ReadOnlyAccess.Instance);
}
