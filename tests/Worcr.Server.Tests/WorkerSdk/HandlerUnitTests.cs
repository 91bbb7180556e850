using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Worcr.Worker;
using Worcr.Worker.Hosting;
using Worcr.Worker.Internal;

namespace Worcr.Server.Tests.WorkerSdk;

/// <summary>Handlers and the SDK's handler plumbing with a fake <see cref="IJobContext"/>: no node, no stream, no I/O.</summary>
public sealed class HandlerUnitTests
{
    [Fact]
    public async Task A_handler_resumes_from_its_checkpoint_and_reports_through_a_fake_context()
    {
        var context = new FakeJobContext("""{"n":4}""", attempt: 2, checkpoints: new Dictionary<string, string> { ["step"] = "2" });

        var result = await new CountingHandler(new AttemptScope()).HandleAsync(context.Args<CountArgs>(), context, CancellationToken.None);

        var completed = Assert.IsType<JobResult.Completed>(result);
        Assert.Equal("""{"counted":4,"from":2}""", completed.ResultJson);
        Assert.Equal([("step", "3"), ("step", "4")], context.SavedCheckpoints);
        Assert.Equal([("steps", 3L, 4L), ("steps", 4L, 4L)], context.ReportedProgress);
        Assert.Equal([("info", "counted to 4 from 2")], context.LogLines);
    }

    [Fact]
    public async Task A_typed_handler_gets_its_args_read_from_json_whatever_their_case()
    {
        CountArgs? received = null;
        var handler = TypedHandlers.Create<CountArgs>((args, _, _) =>
        {
            received = args;
            return Task.CompletedTask;
        });

        var result = await handler(new FakeJobContext("""{"N":7}"""));

        Assert.Equal(new CountArgs(7), received);
        Assert.IsType<JobResult.Completed>(result);
    }

    [Fact]
    public async Task Args_that_do_not_read_as_the_type_fail_for_good_with_an_error_naming_job_and_type()
    {
        var ran = false;
        var handler = TypedHandlers.Create<CountArgs>((_, _, _) =>
        {
            ran = true;
            return Task.CompletedTask;
        });

        var error = await Assert.ThrowsAsync<JobArgsException>(() => handler(new FakeJobContext("""{"n":"many"}""") { JobId = "42" }));
        var outcome = Assert.IsType<JobResult.Failed>(Outcomes.FromException(JobStopReason.None, error));

        Assert.False(ran);
        Assert.False(error.Retryable);
        Assert.Contains("job 42 (test.count)", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a valid CountArgs", error.Message, StringComparison.Ordinal);
        Assert.False(outcome.Retryable);
        Assert.Equal(error.Message, outcome.Error);
    }

    [Fact]
    public void Json_null_args_are_refused_as_args_too()
    {
        var error = Assert.Throws<JobArgsException>(() => new FakeJobContext("null").Args<CountArgs>());

        Assert.Contains("are null", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_JobFailedException_ends_the_attempt_as_it_says_and_a_plain_exception_stays_retryable()
    {
        var permanent = Outcomes.FromException(JobStopReason.None, new JobFailedException("card declined", retryable: false));
        var later = Outcomes.FromException(JobStopReason.None, new JobFailedException("busy", retryable: true, TimeSpan.FromSeconds(7)));
        var plain = Outcomes.FromException(JobStopReason.None, new TimeoutException("slow"));

        Assert.Equal(JobResult.Fail("card declined", retryable: false), permanent);
        Assert.Equal(JobResult.Fail("busy", retryable: true, TimeSpan.FromSeconds(7)), later);
        Assert.Equal(JobResult.Fail("slow", retryable: true), plain);
    }

    [Fact]
    public void A_node_cancel_or_a_shutdown_outranks_what_the_handler_threw()
    {
        var failure = new JobFailedException("card declined", retryable: true);

        Assert.Equal(JobResult.Fail(Outcomes.CancelledError, retryable: false), Outcomes.FromException(JobStopReason.NodeCancel, failure));
        Assert.Equal(JobResult.Yield(), Outcomes.FromException(JobStopReason.Shutdown, failure));
    }

    [Fact]
    public void A_job_type_registered_twice_is_refused_when_registered()
    {
        var worker = new ServiceCollection().AddWorcrWorker(o => o.Address = new Uri("http://127.0.0.1:1"))
            .AddHandler<CountArgs>("test.count", (_, _, _) => Task.CompletedTask);

        var error = Assert.Throws<ArgumentException>(() => worker.AddHandler<CountingHandler, CountArgs>("test.count"));

        Assert.Contains("'test.count'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_whose_worker_has_no_address_fails_at_start_naming_the_setting()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddWorcrWorker(o => o.Concurrency = 2).AddHandler<CountArgs>("test.count", (_, _, _) => Task.CompletedTask);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("WorkerOptions.Address", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_host_gets_time_for_the_graceful_leave()
    {
        var services = new ServiceCollection();
        services.AddWorcrWorker(o =>
        {
            o.Address = new Uri("http://127.0.0.1:1");
            o.ShutdownGrace = TimeSpan.FromSeconds(45);
        });

        var host = services.BuildServiceProvider().GetRequiredService<IOptions<HostOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(55), host.ShutdownTimeout);
    }
}
