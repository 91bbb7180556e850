using Grpc.Core;
using Grpc.Net.Client;
using Worcr.Protocol.V1;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>Jobs.Enqueue with the whole response (WorcrClient returns only the id; tests also need duplicate and state).</summary>
internal static class EnqueueCalls
{
    public static async Task<EnqueueResponse> EnqueueAsync(Uri node, JobSpec spec)
    {
        using var channel = GrpcChannel.ForAddress(node);
        return await new Jobs.JobsClient(channel).EnqueueAsync(new EnqueueRequest { Job = spec });
    }
}
