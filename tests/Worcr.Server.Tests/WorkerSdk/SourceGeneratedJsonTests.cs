using System.Text.Json;
using System.Text.Json.Serialization;
using Worcr.Worker;

namespace Worcr.Server.Tests.WorkerSdk;

/// <summary>The SDK's trimming-safe JSON forms: args and results through a source-generated contract, no reflection.</summary>
public sealed class SourceGeneratedJsonTests
{
    [Fact]
    public void Args_read_through_a_source_generated_contract_follow_its_options()
    {
        var args = new FakeJobContext("""{"n":7}""").Args(SdkTestJson.Default.CountArgs);

        Assert.Equal(new CountArgs(7), args);
    }

    [Fact]
    public void Args_that_do_not_read_through_the_contract_fail_for_good_naming_job_and_type()
    {
        var error = Assert.Throws<JobArgsException>(() => new FakeJobContext("""{"n":"many"}""") { JobId = "42" }.Args(SdkTestJson.Default.CountArgs));

        Assert.False(error.Retryable);
        Assert.Contains("job 42 (test.count)", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a valid CountArgs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_args_read_through_the_contract_fail_as_null()
    {
        var error = Assert.Throws<JobArgsException>(() => new FakeJobContext("null").Args(SdkTestJson.Default.CountArgs));

        Assert.Contains("are null", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_result_written_through_a_contract_is_stored_as_its_json()
    {
        var completed = Assert.IsType<JobResult.Completed>(JobResult.Complete(new CountArgs(3), SdkTestJson.Default.CountArgs));

        Assert.Equal("""{"n":3}""", completed.ResultJson);
    }

    [Fact]
    public void Completing_without_a_result_stores_none() =>
        Assert.Equal("", Assert.IsType<JobResult.Completed>(JobResult.Complete()).ResultJson);
}

[JsonSerializable(typeof(CountArgs))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class SdkTestJson : JsonSerializerContext;
