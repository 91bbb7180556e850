using Grpc.Core;

namespace Worcr.Worker.Internal;

/// <summary>
/// The one place where the transport's errors become the SDK's: a refused or failed call becomes a
/// <see cref="WorcrNodeException"/>, and a call the caller cancelled becomes an <see cref="OperationCanceledException"/>.
/// </summary>
internal static class NodeErrors
{
    public static Exception From(RpcException error, CancellationToken ct)
    {
        if (error.StatusCode == StatusCode.Cancelled && ct.IsCancellationRequested)
        {
            return new OperationCanceledException("The call was cancelled.", error, ct);
        }

        return ToNodeException(error);
    }

    public static WorcrNodeException ToNodeException(RpcException error)
    {
        var detail = error.Status.DebugException is { } cause && string.IsNullOrEmpty(error.Status.Detail)
            ? cause.Message
            : error.Status.Detail;
        return new WorcrNodeException((WorcrErrorCode)error.StatusCode, detail, error);
    }

    public static async Task<T> TranslateAsync<T>(Func<Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call();
        }
        catch (RpcException error)
        {
            throw From(error, ct);
        }
    }
}
