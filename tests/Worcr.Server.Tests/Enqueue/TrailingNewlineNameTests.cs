using Worcr.Admin;
using Worcr.Core.Errors;
using Worcr.Server.Enqueue;
using Worcr.Server.Hosting;
using Worcr.Server.Limits;

namespace Worcr.Server.Tests.Enqueue;

/// <summary>
/// In .NET regular expressions '$' also matches before a final "\n", so "^name$" let "acme\n" through: every name
/// pattern anchors with \z instead. One case per validator that checks names.
/// </summary>
public sealed class TrailingNewlineNameTests
{
    [Fact]
    public void Job_types_tenants_and_tags_refuse_a_trailing_newline()
    {
        Assert.Throws<WorcrError>(() => JobSpecValidator.ValidateType("test.echo\n", "type"));
        Assert.Throws<WorcrError>(() => JobSpecValidator.ValidateTenant("acme\n", "tenant"));
        Assert.Throws<WorcrError>(() => JobSpecValidator.ValidateTags(["premium\n"], "tags"));
        JobSpecValidator.ValidateTenant("acme", "tenant");
    }

    [Fact]
    public void Webhook_limit_and_rule_names_refuse_a_trailing_newline()
    {
        var webhook = new WebhookInput { Url = "https://example.com/hook", Secret = "s", Events = ["job.completed"] };
        var limit = new LimitInput { Kind = "concurrency", Match = new LimitMatchInput { By = "tenant" }, Capacity = 1 };

        Assert.NotNull(WebhookValidator.Validate("hook\n", webhook, null).Error);
        Assert.Null(WebhookValidator.Validate("hook", webhook, null).Error);
        Assert.NotNull(LimitValidator.Check("per-tenant\n", limit, "api").Error);
        Assert.Null(LimitValidator.Check("per-tenant", limit, "api").Error);
        Assert.False(RuleNameFormat.IsValid("premium\n"));
        Assert.True(RuleNameFormat.IsValid("premium"));
    }

    [Fact]
    public void A_schema_name_with_a_trailing_newline_stops_the_node_at_start()
    {
        var options = new NodeOptions { PostgresUrl = "Host=localhost", RedisUrl = "redis://localhost", AllowUnauthenticated = true, Schema = "worcr\n" };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("Schema", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Webhook_secrets_and_key_labels_refuse_a_nul()
    {
        var webhook = new WebhookInput { Url = "https://example.com/hook", Secret = "se\0cret", Events = ["job.completed"] };

        Assert.Contains("secret", WebhookValidator.Validate("hook", webhook, null).Error, StringComparison.Ordinal);
        Assert.Contains("label", TenantInputChecks.Label("ci\0"), StringComparison.Ordinal);
        Assert.Null(TenantInputChecks.Label("ci"));
    }
}
