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

    /// <summary>Largest gRPC message accepted. Default 4 MiB.</summary>
    public int MaxMessageSize { get; set; } = 4 * 1024 * 1024;
}

internal sealed class ListenerOptionsValidator : SettingsValidator<ListenerOptions>
{
    public override IEnumerable<string> Problems(ListenerOptions options)
    {
        if (options.GrpcPort is < 0 or > 65535) yield return $"GrpcPort {options.GrpcPort} must be between 0 and 65535.";
        if (options.HttpPort is < 0 or > 65535) yield return $"HttpPort {options.HttpPort} must be between 0 and 65535.";
        if (options.GrpcPort != 0 && options.GrpcPort == options.HttpPort) yield return "GrpcPort and HttpPort must differ.";
        if (options.MaxMessageSize < 1024) yield return "MaxMessageSize must be at least 1024 bytes.";
        if ((options.TlsCertificatePath is null) != (options.TlsKeyPath is null)) yield return "TlsCertificatePath and TlsKeyPath go together: set both or neither.";
        if (options.HttpTls && options.TlsCertificatePath is null) yield return "HttpTls needs a certificate: set TlsCertificatePath and TlsKeyPath (WORCR_TLS_CERTIFICATE, WORCR_TLS_KEY).";
    }
}
