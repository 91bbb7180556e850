using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Worcr.Server.Hosting;

namespace Worcr.Server.Tests.Configuration;

/// <summary>Each concern's options reach components through IOptions&lt;T&gt; and are validated when the host starts.</summary>
public sealed class ConcernOptionsTests
{
    private static NodeOptions Valid() => new()
    {
        PostgresUrl = "postgres://localhost/x", RedisUrl = "redis://localhost:6379", WorkerToken = "token", ApiKey = "key",
    };

    [Fact]
    public void A_component_sees_the_settings_the_node_was_given_through_the_options_of_its_concern()
    {
        var node = Valid();
        node.LeaseDuration = TimeSpan.FromMinutes(2);
        node.MaintenanceInterval = TimeSpan.FromSeconds(3);
        node.FairnessByJobType["import.bulk"] = "fifo";
        using var provider = new ServiceCollection().AddNodeOptions(node).BuildServiceProvider();

        Assert.Equal(TimeSpan.FromMinutes(2), provider.GetRequiredService<IOptions<LeaseOptions>>().Value.LeaseDuration);
        Assert.Equal(TimeSpan.FromSeconds(3), provider.GetRequiredService<IOptions<MaintenanceOptions>>().Value.MaintenanceInterval);
        Assert.Equal("fifo", provider.GetRequiredService<IOptions<FairnessOptions>>().Value.FairnessByJobType["import.bulk"]);
        Assert.Equal(node.NodeId, provider.GetRequiredService<IOptions<NodeIdentityOptions>>().Value.NodeId);
    }

    [Fact]
    public void The_start_up_check_names_each_invalid_setting_of_every_concern()
    {
        var node = Valid();
        node.HeartbeatInterval = node.LeaseDuration;
        node.MetricLabelLimit = 0;
        using var provider = new ServiceCollection().AddNodeOptions(node).BuildServiceProvider();

        var error = Assert.Throws<AggregateException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        var messages = string.Join("\n", error.InnerExceptions.Select(e => e.Message));
        Assert.Contains("HeartbeatInterval must be positive and shorter than LeaseDuration", messages, StringComparison.Ordinal);
        Assert.Contains("MetricLabelLimit 0 must be between 1 and 10000.", messages, StringComparison.Ordinal);
        Assert.Equal(2, error.InnerExceptions.Count);
    }

    [Fact]
    public void A_rule_sandbox_setting_out_of_range_is_named_with_its_value_and_bound()
    {
        var node = Valid();
        node.ScriptTimeBudget = TimeSpan.Zero;
        node.MaxRuleCodeLength = 10;

        var error = Assert.Throws<InvalidOperationException>(node.Validate);

        Assert.Contains("ScriptTimeBudget 00:00:00 must be at least 1 ms.", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxRuleCodeLength 10 must be at least 64.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_settings_pass_the_start_up_check()
    {
        using var provider = new ServiceCollection().AddNodeOptions(Valid()).BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    /// <summary>
    /// The whole NodeOptions is the shape of the configuration, read by the host that builds the node (Hosting) and
    /// nowhere else: a component that takes it could read any setting, and nothing would show which concern it uses.
    /// </summary>
    [Fact]
    public void No_component_outside_hosting_takes_the_whole_node_options()
    {
        var assemblies = new[] { typeof(DispatcherNode).Assembly, typeof(Worcr.Admin.AdminModule).Assembly };

        var takers = assemblies.SelectMany(a => a.GetTypes())
            .Where(type => type.Namespace != typeof(NodeOptions).Namespace)
            .Where(type => type.GetConstructors(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
                .Any(constructor => constructor.GetParameters().Any(p => p.ParameterType == typeof(NodeOptions))))
            .Select(type => type.FullName)
            .ToList();

        Assert.Empty(takers);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData((1 << 30) + 1)]
    [InlineData(1023)]
    public void A_message_limit_outside_1_KiB_to_1_GiB_is_refused_at_start_naming_the_setting(int limit)
    {
        var node = Valid();
        node.MaxMessageSize = limit;
        using var provider = new ServiceCollection().AddNodeOptions(node).BuildServiceProvider();

        // One failure comes alone; several come as an AggregateException.
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal($"MaxMessageSize {limit} must be between 1024 bytes and 1073741824 (1 GiB).", error.Message);
    }
}
