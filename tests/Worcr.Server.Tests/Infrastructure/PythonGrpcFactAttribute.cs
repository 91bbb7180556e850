namespace Worcr.Server.Tests.Infrastructure;

/// <summary>A fact that is skipped, saying what to install, when Debian's Python gRPC packages are missing.</summary>
internal sealed class PythonGrpcFactAttribute : FactAttribute
{
    public PythonGrpcFactAttribute()
    {
        if (PythonGrpc.MissingReason is { } reason) Skip = reason;
    }
}
