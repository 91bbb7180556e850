using System.Net;
using Xunit.Abstractions;

namespace Worcr.Gui.Tests;

/// <summary>
/// The GUI's change forms and the workers page's Drain button driven in the browser (tests/gui/forms.mjs, one browser
/// for all, to keep it quick); afterwards the admin API must hold exactly what was typed, nothing for the input the
/// API refused, and only the chosen worker must have been told to drain.
/// </summary>
[Collection(GuiCollection.Name)]
public sealed class FormScenarioTests
{
    private const string Limit = "gui-form-batch";
    private const string LimitTag = "gui-form-batch";
    private const string SpareLimit = "gui-form-spare";
    private const string Cron = "gui-form-every-5";
    private const string BadCron = "gui-form-bad";
    private const string CronExpression = "*/5 * * * *";
    private const string BadCronExpression = "*/5 * * *";
    private const string Webhook = "gui-form-hook";
    private const string WebhookUrl = "http://127.0.0.1:9/worcr-hook";
    private const string WebhookSecret = "gui-form-secret-3e8a";
    // No job is ever enqueued for this tenant, so the webhook never delivers and the schedule's jobs are easy to tell apart.
    private const string Tenant = "gui-forms";

    private readonly GuiNodeFixture _fixture;
    private readonly ITestOutputHelper _output;

    public FormScenarioTests(GuiNodeFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [Fact]
    public async Task The_forms_store_what_was_typed_a_bad_cron_expression_shows_the_apis_error_and_drain_reaches_only_that_worker()
    {
        var environment = new Dictionary<string, string>
        {
            ["LIMIT_NAME"] = Limit, ["LIMIT_TAG"] = LimitTag, ["SPARE_LIMIT_NAME"] = SpareLimit,
            ["CRON_NAME"] = Cron, ["BAD_CRON_NAME"] = BadCron, ["CRON_EXPRESSION"] = CronExpression, ["BAD_CRON_EXPRESSION"] = BadCronExpression,
            ["CRON_TYPE"] = GuiNodeFixture.QuickType, ["WEBHOOK_NAME"] = Webhook, ["WEBHOOK_URL"] = WebhookUrl, ["WEBHOOK_SECRET"] = WebhookSecret,
            ["FORM_TENANT"] = Tenant, ["DRAIN_WORKER"] = GuiNodeFixture.DrainWorkerId, ["KEEP_WORKER"] = GuiNodeFixture.WorkerId,
        };
        try
        {
            var result = await GuiScript.RunAsync("forms", _fixture.HttpAddress, GuiNodeFixture.AdminPassword, environment);
            _output.WriteLine(result.Output);
            result.AssertPassed("forms");

            await AssertLimitAsync();
            await AssertScheduleAsync();
            await AssertWebhookAsync();
            await AssertBadScheduleShowedTheApisErrorAsync(result.Output);
            await AssertOnlyTheDrainWorkerWasDrainedAsync();
        }
        finally
        {
            // A schedule left behind would enqueue jobs every 5 minutes while the other tests run.
            await _fixture.Admin.DeleteAsync("/api/cron/" + Cron);
            await _fixture.Admin.DeleteAsync("/api/webhooks/" + Webhook);
            await _fixture.Admin.DeleteAsync("/api/limits/" + Limit);
            await _fixture.Admin.DeleteAsync("/api/limits/" + SpareLimit);
        }
    }

    private async Task AssertLimitAsync()
    {
        var limit = await _fixture.Admin.FindInListAsync("/api/limits", "limits", Limit) ?? throw new Xunit.Sdk.XunitException($"Limit {Limit} was not stored.");
        Assert.Equal("concurrency", limit.GetProperty("kind").GetString());
        Assert.Equal("tag", limit.GetProperty("match").GetProperty("by").GetString());
        Assert.Equal(LimitTag, limit.GetProperty("match").GetProperty("value").GetString());
        Assert.Equal(5, limit.GetProperty("capacity").GetInt64());
        Assert.True(limit.GetProperty("enabled").GetBoolean());
        Assert.Equal("api", limit.GetProperty("origin").GetString());
        Assert.Null(await _fixture.Admin.FindInListAsync("/api/limits", "limits", SpareLimit));
    }

    private async Task AssertScheduleAsync()
    {
        var schedule = await _fixture.Admin.GetAsync("/api/cron/" + Cron);
        Assert.Equal(CronExpression, schedule.GetProperty("expression").GetString());
        Assert.Equal("UTC", schedule.GetProperty("time_zone").GetString());
        Assert.True(schedule.GetProperty("enabled").GetBoolean());
        var job = schedule.GetProperty("job");
        Assert.Equal(GuiNodeFixture.QuickType, job.GetProperty("type").GetString());
        Assert.Equal(Tenant, job.GetProperty("tenant").GetString());
        Assert.Equal(["gui-form"], job.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("gui", job.GetProperty("args").GetProperty("from").GetString());
        var next = schedule.GetProperty("next_fire_at").GetDateTimeOffset();
        Assert.Equal(0, next.Minute % 5);
        Assert.Equal(0, next.Second);
    }

    private async Task AssertWebhookAsync()
    {
        var webhook = await _fixture.Admin.FindInListAsync("/api/webhooks", "webhooks", Webhook) ?? throw new Xunit.Sdk.XunitException($"Webhook {Webhook} was not stored.");
        Assert.Equal(WebhookUrl, webhook.GetProperty("url").GetString());
        Assert.Equal(["job.completed", "job.dead"], webhook.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(Tenant, webhook.GetProperty("tenant").GetString());
        Assert.True(webhook.GetProperty("enabled").GetBoolean());
        Assert.DoesNotContain(WebhookSecret, webhook.GetRawText(), StringComparison.Ordinal);
    }

    private async Task AssertOnlyTheDrainWorkerWasDrainedAsync()
    {
        // The page showed the worker back or gone, so the SDK has long reported the Drain; the wait only bounds a failure.
        await _fixture.DrainWorkerToldToDrain.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(_fixture.MainWorkerToldToDrain.IsCompleted, "The main worker was told to drain too.");
    }

    /// <summary>The page showed, word for word, the error the API gives for that schedule, and nothing was stored.</summary>
    private async Task AssertBadScheduleShowedTheApisErrorAsync(string output)
    {
        Assert.Null(await _fixture.Admin.FindAsync("/api/cron/" + BadCron));
        var (status, error) = await _fixture.Admin.PutAsync("/api/cron/" + BadCron, new
        {
            expression = BadCronExpression,
            time_zone = "UTC",
            job = new { type = GuiNodeFixture.QuickType, tenant = Tenant },
        });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("expression", error, StringComparison.Ordinal);
        Assert.Contains("ok: bad expression shows: " + error, output, StringComparison.Ordinal);
        Assert.Null(await _fixture.Admin.FindAsync("/api/cron/" + BadCron));
    }
}
