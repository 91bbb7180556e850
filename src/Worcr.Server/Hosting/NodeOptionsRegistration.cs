using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Worcr.Server.Hosting;

/// <summary>Registers each concern's options of a node (IOptions&lt;T&gt;), validated when the host starts (ValidateOnStart).</summary>
internal static class NodeOptionsRegistration
{
    public static IServiceCollection AddNodeOptions(this IServiceCollection services, NodeOptions node)
    {
        services.AddSingleton(node);
        services.AddSection<StorageOptions, StorageOptionsValidator>(node.Storage);
        services.AddSection<ListenerOptions, ListenerOptionsValidator>(node.Listener);
        services.AddSection(node.Identity);
        services.AddSection<LeaseOptions, LeaseOptionsValidator>(node.Leases);
        services.AddSection<RetryOptions, RetryOptionsValidator>(node.Retries);
        services.AddSection<DispatchOptions, DispatchOptionsValidator>(node.Dispatch);
        services.AddSection<MaintenanceOptions, MaintenanceOptionsValidator>(node.Maintenance);
        services.AddSection<AuthOptions, AuthOptionsValidator>(node.Auth);
        services.AddSection<AdminOptions, AdminOptionsValidator>(node.Admin);
        services.AddSection<CatalogOptions, CatalogOptionsValidator>(node.Catalog);
        services.AddSection<FairnessOptions, FairnessOptionsValidator>(node.Sharing);
        services.AddSection<WorkerLimitOptions, WorkerLimitOptionsValidator>(node.WorkerLimits);
        services.AddSection<WatchOptions, WatchOptionsValidator>(node.Watches);
        services.AddSection<TelemetryOptions, TelemetryOptionsValidator>(node.Telemetry);
        services.AddSection<RetentionOptions, RetentionOptionsValidator>(node.Retention);
        services.AddSection<RuleSandboxOptions, RuleSandboxOptionsValidator>(node.RuleSandbox);
        return services;
    }

    private static void AddSection<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(this IServiceCollection services, TOptions section)
        where TOptions : class where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        services.AddSection(section);
    }

    private static void AddSection<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(
        this IServiceCollection services, TOptions section) where TOptions : class
    {
        services.AddSingleton<IOptionsFactory<TOptions>>(provider => new SectionOptionsFactory<TOptions>(section,
            provider.GetServices<IConfigureOptions<TOptions>>(), provider.GetServices<IPostConfigureOptions<TOptions>>(),
            provider.GetServices<IValidateOptions<TOptions>>()));
        services.AddOptions<TOptions>().ValidateOnStart();
    }
}
