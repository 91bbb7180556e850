using Worcr.Protocol.V1;

namespace Worcr.Gui.Tests;

/// <summary>
/// The admin GUI in headless Chromium against a real node and worker. Each test runs one scenario script of
/// tests/gui and checks its exit code and output, and where the browser changed something, the job store too.
/// </summary>
[Collection(GuiCollection.Name)]
public sealed class BrowserScenarioTests
{
    private readonly GuiNodeFixture _fixture;

    public BrowserScenarioTests(GuiNodeFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Signing_in_opens_the_overview_and_a_wrong_password_shows_an_error()
    {
        var result = await GuiScript.RunAsync("signin", _fixture.HttpAddress, GuiNodeFixture.AdminPassword);
        result.AssertPassed("sign-in");
        Assert.Contains("ok: wrong password shows:", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_tag_match_rule_shows_its_weight_on_the_test_bench()
    {
        var result = await GuiScript.RunAsync("rule-bench", _fixture.HttpAddress, GuiNodeFixture.AdminPassword);
        result.AssertPassed("rule bench");
        Assert.Contains("ok: weight before the rule: 1", result.Output, StringComparison.Ordinal);
        Assert.Contains("ok: weight after the rule: 7", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_running_jobs_progress_bar_moves_and_its_log_lines_appear_live()
    {
        var id = await _fixture.StartSlowAsync();
        try
        {
            var result = await GuiScript.RunAsync("job-progress", _fixture.HttpAddress, GuiNodeFixture.AdminPassword, new Dictionary<string, string> { ["JOB_ID"] = id });
            result.AssertPassed("job progress");
        }
        finally
        {
            await _fixture.Client.CancelAsync(id, "test over");
        }
    }

    [Fact]
    public async Task Cancelling_a_job_from_its_page_cancels_it()
    {
        var id = await _fixture.StartSlowAsync("globex");
        try
        {
            var result = await GuiScript.RunAsync("cancel-job", _fixture.HttpAddress, GuiNodeFixture.AdminPassword, new Dictionary<string, string> { ["JOB_ID"] = id });
            result.AssertPassed("cancel job");
            Assert.Equal(JobState.Cancelled, (await _fixture.Client.GetAsync(id)).State);
        }
        finally
        {
            await _fixture.Client.CancelAsync(id, "test over");
        }
    }

    [Fact]
    public async Task The_main_pages_render_without_errors_and_the_read_only_role_sees_no_change_buttons()
    {
        // Something to show: finished jobs, then more slow jobs than the worker's 4 slots, so some run and some wait.
        for (var i = 0; i < 12; i++) await _fixture.Client.EnqueueAsync(GuiNodeFixture.QuickType, i % 3 == 0 ? "globex" : "acme", new { n = i }, ["email"]);
        var running = await _fixture.StartSlowAsync();
        var slow = new List<string> { running };
        for (var i = 0; i < 6; i++) slow.Add(await _fixture.EnqueueSlowAsync(i % 2 == 0 ? "globex" : "initech"));
        var environment = new Dictionary<string, string>
        {
            ["JOB_ID"] = running,
            ["WORCR_READ_ONLY_PASSWORD"] = GuiNodeFixture.ReadOnlyPassword,
            ["WORCR_SCREENSHOTS_DIR"] = Path.Combine(GuiScript.RepositoryRoot, "docs", "screenshots"),
        };
        if (Environment.GetEnvironmentVariable("WORCR_SCREENSHOTS") == "1") environment["WORCR_SCREENSHOTS"] = "1";
        ScriptResult result;
        try
        {
            result = await GuiScript.RunAsync("pages", _fixture.HttpAddress, GuiNodeFixture.AdminPassword, environment);
        }
        finally
        {
            foreach (var id in slow) await _fixture.Client.CancelAsync(id, "test over");
        }
        result.AssertPassed("pages");
        Assert.Contains("ok: read-only sees no change buttons", result.Output, StringComparison.Ordinal);
    }
}
