using System.Text.Json;

namespace Worcr.Bench.Tests;

/// <summary>The runtime settings `worcr` (node and bench worker alike) is published with.</summary>
public sealed class RuntimeConfigTests
{
    [Fact]
    public void Thread_pool_threads_sleep_without_spinning_when_out_of_work()
    {
        // The CLI's runtime config, copied beside this test assembly with worcr.dll.
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "worcr.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        var spinLimit = properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit");

        Assert.Equal("0", spinLimit.ValueKind == JsonValueKind.String ? spinLimit.GetString() : spinLimit.GetRawText());
    }
}
