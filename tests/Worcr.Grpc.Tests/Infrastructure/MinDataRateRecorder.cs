using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Worcr.Grpc.Tests.Infrastructure;

/// <summary>
/// Wraps Kestrel's feature to record what the transport set: for HTTP/2 Kestrel only accepts null and its
/// getter throws, so the value cannot be read back from the real feature.
/// </summary>
internal sealed class MinDataRateRecorder(IHttpMinRequestBodyDataRateFeature inner) : IHttpMinRequestBodyDataRateFeature
{
    public bool WasSetToNull { get; private set; }

    public MinDataRate? MinDataRate
    {
        get => inner.MinDataRate;
        set
        {
            inner.MinDataRate = value;
            WasSetToNull = value is null;
        }
    }
}
