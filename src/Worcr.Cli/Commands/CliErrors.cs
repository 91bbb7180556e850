using Grpc.Core;
using Worcr.Worker;

namespace Worcr.Cli.Commands;

/// <summary>Turns failures of client commands into one clear line on stderr and a non-zero exit code.</summary>
internal static class CliErrors
{
    public static async Task<int> RunAsync(Func<Task> action)
    {
        try
        {
            await action();
            return 0;
        }
        catch (WorcrNodeException exception) when (exception.InnerException is RpcException { Status.DebugException: HttpRequestException unreachable })
        {
            Console.Error.WriteLine(Unreachable(unreachable));
            return 1;
        }
        catch (WorcrNodeException exception)
        {
            Console.Error.WriteLine($"error: {exception.Code}: {exception.Detail}");
            return 1;
        }
        catch (HttpRequestException exception)
        {
            Console.Error.WriteLine(Unreachable(exception));
            return 1;
        }
    }

    private static string Unreachable(HttpRequestException exception) =>
        $"error: cannot reach the node ({exception.Message}). Is `./worcr dev` or `./worcr serve` running? Pass --server URL otherwise.";
}
