using Worcr.Grpc;

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
        catch (RpcException exception)
        {
            Console.Error.WriteLine($"error: {exception.StatusCode}: {exception.Detail}");
            return 1;
        }
        catch (HttpRequestException exception)
        {
            Console.Error.WriteLine($"error: cannot reach the node ({exception.Message}). Is `./worcr dev` or `./worcr serve` running? Pass --server URL otherwise.");
            return 1;
        }
    }
}
