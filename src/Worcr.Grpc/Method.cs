using Google.Protobuf;

namespace Worcr.Grpc;

/// <summary>Describes one RPC: its path on the wire, its shape, and how to parse both message types.</summary>
public sealed class Method<TRequest, TResponse>
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    public Method(
        string serviceFullName,
        string methodName,
        MethodType type,
        MessageParser<TRequest> requestParser,
        MessageParser<TResponse> responseParser)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceFullName);
        ArgumentException.ThrowIfNullOrWhiteSpace(methodName);
        ServiceFullName = serviceFullName;
        Name = methodName;
        Type = type;
        RequestParser = requestParser ?? throw new ArgumentNullException(nameof(requestParser));
        ResponseParser = responseParser ?? throw new ArgumentNullException(nameof(responseParser));
        FullName = $"/{serviceFullName}/{methodName}";
    }

    public string ServiceFullName { get; }

    public string Name { get; }

    /// <summary>The HTTP/2 path, e.g. "/worcr.v1.Jobs/Enqueue".</summary>
    public string FullName { get; }

    public MethodType Type { get; }

    public MessageParser<TRequest> RequestParser { get; }

    public MessageParser<TResponse> ResponseParser { get; }

    public override string ToString() => FullName;
}
