using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Worcr.Worker;
using Worcr.Worker.Hosting;

// In the container's namespace, as the framework's own Add* methods are, so `services.AddWorcrWorker` needs no using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds a Worcr worker to an app built on the Generic Host.</summary>
public static class WorcrWorkerServiceCollectionExtensions
{
    /// <summary>Extra shutdown time beyond the grace: the leave's last Acks and the end of the stream.</summary>
    private static readonly TimeSpan LeaveMargin = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Adds a <see cref="WorcrWorker"/> (a singleton) that runs as a hosted service for the life of the host, logs
    /// through the container's <see cref="ILogger{TCategoryName}"/>, and leaves gracefully when the host stops.
    /// The options are validated when the host starts. The host's shutdown timeout is raised, when shorter, to
    /// <see cref="WorkerOptions.ShutdownGrace"/> plus 10 s, so stopping the host does not cut the leave short.
    /// </summary>
    /// <param name="services">The container.</param>
    /// <param name="configure">Sets the options (at least <see cref="WorkerOptions.Address"/>).</param>
    /// <returns>A builder to register the job handlers with.</returns>
    /// <exception cref="InvalidOperationException">A worker was already added to this container.</exception>
    public static WorcrWorkerBuilder AddWorcrWorker(this IServiceCollection services, Action<WorkerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        if (services.Any(service => service.ServiceType == typeof(HandlerRegistry)))
        {
            throw new InvalidOperationException("AddWorcrWorker was already called; register more handlers on the builder it returned.");
        }

        var registry = new HandlerRegistry();
        services.AddSingleton(registry);
        services.AddOptions<WorkerOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidation>());
        services.AddOptions<HostOptions>().PostConfigure<IOptions<WorkerOptions>>(AllowTheLeave);
        services.AddSingleton(provider => registry.RegisterAll(
            new WorcrWorker(provider.GetRequiredService<IOptions<WorkerOptions>>().Value, provider.GetService<ILogger<WorcrWorker>>()),
            provider));
        services.AddHostedService<WorcrWorkerService>();
        return new WorcrWorkerBuilder(services, registry);
    }

    private static void AllowTheLeave(HostOptions host, IOptions<WorkerOptions> worker)
    {
        TimeSpan grace;
        try
        {
            grace = worker.Value.ShutdownGrace;
        }
        catch (OptionsValidationException)
        {
            // The host is built before it starts: invalid options must fail at start, with their message, not here.
            return;
        }

        if (host.ShutdownTimeout < grace + LeaveMargin) host.ShutdownTimeout = grace + LeaveMargin;
    }
}
