namespace Worcr.Server.Hosting;

/// <summary>Where the node listens: the gRPC port (workers, producers) and the HTTP port (admin API, GUI, health, metrics).</summary>
public sealed class ListenerOptions
{
    /// <summary>Address both listeners bind to. Default 127.0.0.1; use 0.0.0.0 behind a load balancer.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>Port of the gRPC listener (HTTP/2). Default 7070; 0 picks a free port.</summary>
    public int GrpcPort { get; set; } = 7070;

    /// <summary>Port of the HTTP listener (admin API, GUI, health, metrics). Default 7080; 0 picks a free port.</summary>
    public int HttpPort { get; set; } = 7080;

    /// <summary>PEM certificate for TLS on the gRPC port (and on the HTTP port with <see cref="HttpTls"/>); h2c (plain HTTP/2) when unset.</summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>PEM private key matching <see cref="TlsCertificatePath"/>.</summary>
    public string? TlsKeyPath { get; set; }

    /// <summary>
    /// Serve the HTTP port (admin API, GUI, health, metrics) over TLS too, with <see cref="TlsCertificatePath"/>.
    /// Default false: plain HTTP, for a TLS-terminating proxy in front (see AdminOptions.TrustedProxies).
    /// </summary>
    public bool HttpTls { get; set; }

    /// <summary>Largest gRPC message accepted and sent. Default 4 MiB; at most <see cref="MaxMessageSizeCeiling"/>.</summary>
    public int MaxMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// A gRPC connection that sent nothing for this long gets an HTTP/2 PING. Default 30 s; at least 1 s (Kestrel
    /// checks once a second). A peer that vanished without closing its connection (a cut cable, a frozen VM) is found
    /// within this delay plus <see cref="KeepAlivePingTimeout"/>, and its worker stream ends, freeing its jobs.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a PING may go unanswered (nothing at all received) before the connection is closed. Default 20 s; at least 1 s.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The highest <see cref="MaxMessageSize"/> a node accepts: 1 GiB. A limit near int.MaxValue would let one call
    /// make the node buffer up to 2 GiB, and leaves no room for the sums made with the limit.
    /// </summary>
    public const int MaxMessageSizeCeiling = 1 << 30;
}

internal sealed class ListenerOptionsValidator : SettingsValidator<ListenerOptions>
{
    public override IEnumerable<string> Problems(ListenerOptions options)
    {
        if (options.GrpcPort is < 0 or > 65535) yield return $"GrpcPort {options.GrpcPort} must be between 0 and 65535.";
        if (options.HttpPort is < 0 or > 65535) yield return $"HttpPort {options.HttpPort} must be between 0 and 65535.";
        if (options.GrpcPort != 0 && options.GrpcPort == options.HttpPort) yield return "GrpcPort and HttpPort must differ.";
        if (options.MaxMessageSize is < 1024 or > ListenerOptions.MaxMessageSizeCeiling)
        {
            yield return $"MaxMessageSize {options.MaxMessageSize} must be between 1024 bytes and {ListenerOptions.MaxMessageSizeCeiling} (1 GiB).";
        }
        if (options.KeepAlivePingDelay < TimeSpan.FromSeconds(1)) yield return $"KeepAlivePingDelay {options.KeepAlivePingDelay} must be at least 1 second.";
        if (options.KeepAlivePingTimeout < TimeSpan.FromSeconds(1)) yield return $"KeepAlivePingTimeout {options.KeepAlivePingTimeout} must be at least 1 second.";
        if ((options.TlsCertificatePath is null) != (options.TlsKeyPath is null)) yield return "TlsCertificatePath and TlsKeyPath go together: set both or neither.";
        if (options.HttpTls && options.TlsCertificatePath is null) yield return "HttpTls needs a certificate: set TlsCertificatePath and TlsKeyPath (WORCR_TLS_CERTIFICATE, WORCR_TLS_KEY).";
    }
}
