using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Worcr.Server.Transport;

/// <summary>Puts a <see cref="FrameCheckingReader"/> in front of every gRPC request body, before Grpc.AspNetCore reads it.</summary>
internal static class FrameChecks
{
    public static void Use(WebApplication app, int maxMessageSize) => app.Use((context, next) =>
    {
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
        {
            context.Features.Set<IRequestBodyPipeFeature>(new CheckedBody(new FrameCheckingReader(context.Request.BodyReader, maxMessageSize)));
        }
        return next(context);
    });

    private sealed class CheckedBody(System.IO.Pipelines.PipeReader reader) : IRequestBodyPipeFeature
    {
        public System.IO.Pipelines.PipeReader Reader { get; } = reader;
    }
}
