using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Worcr.Worker.Internal;

namespace Worcr.Worker.Hosting;

/// <summary>Registers the job handlers of the worker added by <c>services.AddWorcrWorker(...)</c>.</summary>
public sealed class WorcrWorkerBuilder
{
    private readonly HandlerRegistry _registry;

    internal WorcrWorkerBuilder(IServiceCollection services, HandlerRegistry registry)
    {
        Services = services;
        _registry = registry;
    }

    /// <summary>The container the worker is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Registers a handler that reads the job as it likes (<see cref="IJobContext.ArgsJson"/>, <see cref="JobContextExtensions.Args{T}(IJobContext)"/>).</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="handler">Runs one attempt.</param>
    /// <returns>This builder, to chain registrations.</returns>
    /// <exception cref="ArgumentException"><paramref name="jobType"/> is not a job type the node accepts (1 to 200 letters,
    /// digits or '.', '-', '_', ':'), or a handler for it is already registered.</exception>
    public WorcrWorkerBuilder AddHandler(string jobType, JobHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _registry.Add(jobType, _ => handler);
        return this;
    }

    /// <summary>
    /// Registers a handler whose args are a <typeparamref name="TArgs"/>, read from the job's JSON args
    /// (camelCase, case-insensitive). Args that do not read as one fail the job at once, not retryable, with an
    /// error that names the type and what was wrong.
    /// </summary>
    /// <typeparam name="TArgs">The args type.</typeparam>
    /// <param name="jobType">The job type.</param>
    /// <param name="handler">Runs one attempt and says how it ended.</param>
    /// <returns>This builder, to chain registrations.</returns>
    /// <exception cref="ArgumentException"><paramref name="jobType"/> is not a job type the node accepts (1 to 200 letters,
    /// digits or '.', '-', '_', ':'), or a handler for it is already registered.</exception>
    [RequiresUnreferencedCode(WorcrJson.ReflectionWarning)]
    [RequiresDynamicCode(WorcrJson.ReflectionWarning)]
    public WorcrWorkerBuilder AddHandler<TArgs>(string jobType, Func<TArgs, IJobContext, CancellationToken, Task<JobResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _registry.Add(jobType, _ => TypedHandlers.Create(handler));
        return this;
    }

    /// <summary>
    /// As <see cref="AddHandler{TArgs}(string, Func{TArgs, IJobContext, CancellationToken, Task{JobResult}})"/>, for a
    /// handler that completes the job (with no result) by returning, and fails it by throwing.
    /// </summary>
    /// <typeparam name="TArgs">The args type.</typeparam>
    /// <param name="jobType">The job type.</param>
    /// <param name="handler">Runs one attempt.</param>
    /// <returns>This builder, to chain registrations.</returns>
    /// <exception cref="ArgumentException"><paramref name="jobType"/> is not a job type the node accepts (1 to 200 letters,
    /// digits or '.', '-', '_', ':'), or a handler for it is already registered.</exception>
    [RequiresUnreferencedCode(WorcrJson.ReflectionWarning)]
    [RequiresDynamicCode(WorcrJson.ReflectionWarning)]
    public WorcrWorkerBuilder AddHandler<TArgs>(string jobType, Func<TArgs, IJobContext, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _registry.Add(jobType, _ => TypedHandlers.Create(handler));
        return this;
    }

    /// <summary>
    /// Registers a handler class, resolved from the container in a scope of its own for each attempt (it is added
    /// as a scoped service unless already registered). Args are read as in
    /// <see cref="AddHandler{TArgs}(string, Func{TArgs, IJobContext, CancellationToken, Task{JobResult}})"/>.
    /// </summary>
    /// <typeparam name="THandler">The handler class.</typeparam>
    /// <typeparam name="TArgs">The args type.</typeparam>
    /// <param name="jobType">The job type.</param>
    /// <returns>This builder, to chain registrations.</returns>
    /// <exception cref="ArgumentException"><paramref name="jobType"/> is not a job type the node accepts (1 to 200 letters,
    /// digits or '.', '-', '_', ':'), or a handler for it is already registered.</exception>
    [RequiresUnreferencedCode(WorcrJson.ReflectionWarning)]
    [RequiresDynamicCode(WorcrJson.ReflectionWarning)]
    public WorcrWorkerBuilder AddHandler<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler, TArgs>(string jobType)
        where THandler : class, IJobHandler<TArgs>
    {
        _registry.Add(jobType, services => TypedHandlers.FromServices<THandler, TArgs>(services.GetRequiredService<IServiceScopeFactory>()));
        Services.TryAddScoped<THandler>();
        return this;
    }
}
