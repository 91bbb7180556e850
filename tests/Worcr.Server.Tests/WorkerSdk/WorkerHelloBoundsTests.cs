using Microsoft.Extensions.DependencyInjection;
using Worcr.Worker;

namespace Worcr.Server.Tests.WorkerSdk;

/// <summary>
/// The SDK sent WorkerOptions.Tags and the registered job types as they were, and the node refused every connect past
/// its bounds with INVALID_ARGUMENT, which the worker only saw once it ran. Now the worker refuses them when it is made
/// (tags) or when the type is registered (job types), naming the setting, with the node's own rule and constants. A job
/// type's format was still left to the node: a worker handling "bad type!" was made and started, then stopped at its
/// first connect.
/// </summary>
public sealed class WorkerHelloBoundsTests
{
    private static WorkerOptions Options(IReadOnlyList<string> tags) => new() { Address = new Uri("http://127.0.0.1:7070"), Tags = tags };

    public static TheoryData<string, string[], string> RefusedTags => new()
    {
        { "33 tags", Enumerable.Range(0, 33).Select(i => $"t{i}").ToArray(), "WorkerOptions.Tags: at most 32" },
        { "a tag of 101 characters", ["eu", new string('a', 101)], "WorkerOptions.Tags[1]: at most 100" },
        { "a tag with a NUL", ["gpu\0"], "WorkerOptions.Tags[0]: contains a NUL" },
    };

    [Theory]
    [MemberData(nameof(RefusedTags))]
    public void Tags_the_node_would_refuse_are_refused_when_the_worker_is_made_naming_the_option(string what, string[] tags, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => new WorcrWorker(Options(tags)));

        Assert.True(error.Message.Contains(message, StringComparison.Ordinal), $"{what}: {error.Message}");
        Assert.Equal(nameof(WorkerOptions.Tags), error.ParamName);
    }

    [Theory]
    [InlineData("an id of 201 characters", 201, "WorkerOptions.WorkerId: at most 200 characters")]
    [InlineData("an id with a NUL", 0, "WorkerOptions.WorkerId: contains a NUL")]
    public void A_worker_id_the_node_would_refuse_is_refused_when_the_worker_is_made(string what, int length, string message)
    {
        var options = Options([]);
        options.WorkerId = length > 0 ? new string('w', length) : "host\0:1:1";

        var error = Assert.Throws<ArgumentException>(() => new WorcrWorker(options));

        Assert.True(error.Message.Contains(message, StringComparison.Ordinal), $"{what}: {error.Message}");
        Assert.Equal(nameof(WorkerOptions.WorkerId), error.ParamName);
    }

    [Fact]
    public void Thirty_two_tags_of_a_hundred_characters_are_accepted()
    {
        var tags = Enumerable.Range(0, 32).Select(i => $"{i:00}{new string('t', 98)}").ToArray();

        Assert.Null(Record.Exception(Options(tags).Validate));
    }

    public static TheoryData<string, string, string> RefusedJobTypes => new()
    {
        { "an empty type", "", "the job type is required" },
        { "a space and a '!'", "bad type!", "job type 'bad type!' must be 1-200 letters, digits or '.', '-', '_', ':'" },
        { "a type of 201 characters", new string('t', 201), "(201 characters) must be 1-200" },
        { "a trailing newline", "test.echo\n", "job type 'test.echo\\u000a' must be" },
        { "a slash", "images/resize", "job type 'images/resize' must be" },
        { "a letter outside ASCII", "café", "job type 'café' must be" },
    };

    [Theory]
    [MemberData(nameof(RefusedJobTypes))]
    public async Task Job_types_the_node_would_refuse_are_refused_by_Handle_naming_the_argument(string what, string jobType, string message)
    {
        await using var worker = new WorcrWorker(Options([]));

        var error = Assert.Throws<ArgumentException>(() => worker.Handle(jobType, _ => Task.FromResult(JobResult.Complete())));

        Assert.True(error.Message.StartsWith("Handle(jobType): ", StringComparison.Ordinal), $"{what}: {error.Message}");
        Assert.True(error.Message.Contains(message, StringComparison.Ordinal), $"{what}: {error.Message}");
        Assert.Equal("jobType", error.ParamName);
    }

    [Theory]
    [MemberData(nameof(RefusedJobTypes))]
    public void Job_types_the_node_would_refuse_are_refused_by_AddHandler_before_the_host_is_built(string what, string jobType, string message)
    {
        var workers = new ServiceCollection().AddWorcrWorker(options => options.Address = new Uri("http://127.0.0.1:7070"));

        var error = Assert.Throws<ArgumentException>(() => workers.AddHandler(jobType, _ => Task.FromResult(JobResult.Complete())));

        Assert.True(error.Message.StartsWith("AddHandler(jobType): ", StringComparison.Ordinal), $"{what}: {error.Message}");
        Assert.True(error.Message.Contains(message, StringComparison.Ordinal), $"{what}: {error.Message}");
        Assert.Equal("jobType", error.ParamName);
    }

    [Fact]
    public async Task A_job_type_of_200_characters_of_every_kind_the_node_accepts_is_registered()
    {
        await using var worker = new WorcrWorker(Options([]));
        var jobType = "Images.resize_v2:fast-9".PadRight(200, 'x');

        Assert.Same(worker, worker.Handle(jobType, _ => Task.FromResult(JobResult.Complete())));
    }

    [Fact]
    public async Task The_job_type_past_the_nodes_bound_is_refused_at_registration()
    {
        await using var worker = new WorcrWorker(Options([]));
        for (var i = 0; i < 1_000; i++) worker.Handle($"t{i}", _ => Task.FromResult(JobResult.Complete()));

        var error = Assert.Throws<InvalidOperationException>(() => worker.Handle("t1000", _ => Task.FromResult(JobResult.Complete())));

        Assert.Contains("at most 1000 job types", error.Message, StringComparison.Ordinal);
    }
}
