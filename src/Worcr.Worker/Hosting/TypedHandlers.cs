using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Worcr.Worker.Internal;

namespace Worcr.Worker.Hosting;

/// <summary>Adapts typed handlers to <see cref="JobHandler"/>: the args are read first, so bad args fail the job before the handler runs.</summary>
internal static class TypedHandlers
{
    [RequiresUnreferencedCode(WorcrJson.ReflectionWarning)]
    [RequiresDynamicCode(WorcrJson.ReflectionWarning)]
    public static JobHandler Create<TArgs>(Func<TArgs, IJobContext, CancellationToken, Task<JobResult>> handler) =>
        context => handler(context.Args<TArgs>(), context, context.CancellationToken);

    [RequiresUnreferencedCode(WorcrJson.ReflectionWarning)]
    [RequiresDynamicCode(WorcrJson.ReflectionWarning)]
    public static JobHandler Create<TArgs>(Func<TArgs, IJobContext, CancellationToken, Task> handler) =>
        Create<TArgs>(async (args, context, ct) =>
        {
            await handler(args, context, ct);
            return JobResult.Complete();
        });

    /// <summary>Each attempt resolves <typeparamref name="THandler"/> in a scope of its own, disposed when the attempt ends.</summary>
    [RequiresUnreferencedCode(WorcrJson.ReflectionWarning)]
    [RequiresDynamicCode(WorcrJson.ReflectionWarning)]
    public static JobHandler FromServices<THandler, TArgs>(IServiceScopeFactory scopes)
        where THandler : class, IJobHandler<TArgs> =>
        Create<TArgs>(async (args, context, ct) =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetRequiredService<THandler>();
            return await handler.HandleAsync(args, context, ct);
        });
}
