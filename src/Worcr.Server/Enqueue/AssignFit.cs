using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Worcr.Core.Errors;
using Worcr.Core.Input;
using Worcr.Core.Jobs;
using Worcr.Protocol.V1;

namespace Worcr.Server.Enqueue;

/// <summary>
/// Whatever is accepted can be delivered: a job is refused at enqueue when the Assign that would carry it to a
/// worker (its metadata, its args as PostgreSQL prints them, and room for checkpoints, <see cref="InputLimits.CheckpointRoom"/>)
/// could exceed the node's message limit. Sent anyway, it would be refused on the wire at every
/// attempt and never run.
/// </summary>
internal static class AssignFit
{
    // Field tag and length prefix of args_json, and of the Assign inside a DispatcherMessage.
    private const int FramingBytes = 2 * (1 + 5);

    /// <exception cref="WorcrError">INVALID_ARGUMENT naming the field and the limit.</exception>
    public static void Require(NewJob job, string field, long argsStoredBytes, int maxMessageSize)
    {
        var metadata = LargestMetadata(job).CalculateSize();
        var checkpoints = InputLimits.CheckpointRoom(maxMessageSize);
        var worst = metadata + argsStoredBytes + checkpoints + FramingBytes;
        if (worst <= maxMessageSize) return;
        throw WorcrError.InvalidArgument(
            $"{field}.args_json: the job could not be delivered: its Assign to a worker could reach {worst} bytes " +
            $"({argsStoredBytes} of args as stored, {metadata} of type, tenant, tags and times, {checkpoints} kept for checkpoints), " +
            $"over the node's message limit of {maxMessageSize} bytes (MaxMessageSize). Send smaller args.");
    }

    /// <summary>The Assign without args and checkpoints, with every number at its widest.</summary>
    private static Assign LargestMetadata(NewJob job)
    {
        var assign = new Assign
        {
            JobId = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Attempt = int.MaxValue,
            Type = job.Type,
            Tenant = job.Tenant,
            MaxAttempts = int.MaxValue,
            EnqueuedAt = new Timestamp { Seconds = long.MaxValue, Nanos = int.MaxValue },
            ExpiresAt = new Timestamp { Seconds = long.MaxValue, Nanos = int.MaxValue },
            Traceparent = job.TraceParent ?? "",
        };
        assign.Tags.AddRange(job.Tags);
        return assign;
    }
}
