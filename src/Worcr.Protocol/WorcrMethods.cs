using Worcr.Grpc;

namespace Worcr.Protocol.V1;

/// <summary>Every RPC of worcr.v1, described once for the server, the SDK and the tests.</summary>
public static class WorcrMethods
{
    private const string JobsService = "worcr.v1.Jobs";
    private const string WorkersService = "worcr.v1.Workers";

    public static readonly Method<EnqueueRequest, EnqueueResponse> Enqueue =
        new(JobsService, "Enqueue", MethodType.Unary, EnqueueRequest.Parser, EnqueueResponse.Parser);

    public static readonly Method<EnqueueBatchRequest, EnqueueBatchResponse> EnqueueBatch =
        new(JobsService, "EnqueueBatch", MethodType.Unary, EnqueueBatchRequest.Parser, EnqueueBatchResponse.Parser);

    public static readonly Method<GetJobRequest, GetJobResponse> GetJob =
        new(JobsService, "Get", MethodType.Unary, GetJobRequest.Parser, GetJobResponse.Parser);

    public static readonly Method<CancelJobRequest, CancelJobResponse> CancelJob =
        new(JobsService, "Cancel", MethodType.Unary, CancelJobRequest.Parser, CancelJobResponse.Parser);

    public static readonly Method<RetryJobRequest, RetryJobResponse> RetryJob =
        new(JobsService, "Retry", MethodType.Unary, RetryJobRequest.Parser, RetryJobResponse.Parser);

    public static readonly Method<WatchJobsRequest, JobEvent> WatchJobs =
        new(JobsService, "Watch", MethodType.ServerStreaming, WatchJobsRequest.Parser, JobEvent.Parser);

    public static readonly Method<WorkerMessage, DispatcherMessage> Connect =
        new(WorkersService, "Connect", MethodType.DuplexStreaming, WorkerMessage.Parser, DispatcherMessage.Parser);

    public static readonly Method<AcquireLimitRequest, AcquireLimitResponse> AcquireLimit =
        new(WorkersService, "AcquireLimit", MethodType.Unary, AcquireLimitRequest.Parser, AcquireLimitResponse.Parser);
}
