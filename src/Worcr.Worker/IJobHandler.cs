namespace Worcr.Worker;

/// <summary>
/// A handler class for jobs whose args are a <typeparamref name="TArgs"/>. Registered with
/// <c>AddHandler&lt;THandler, TArgs&gt;(jobType)</c>, it is resolved from the container in a scope of its own for
/// each attempt, so it can take scoped services (a DbContext, say) in its constructor.
/// </summary>
/// <typeparam name="TArgs">The args type, read from the job's JSON args.</typeparam>
public interface IJobHandler<in TArgs>
{
    /// <summary>Runs one attempt. Throw <see cref="JobFailedException"/> (or return <see cref="JobResult.Fail"/>) to fail it.</summary>
    /// <param name="args">The job's args.</param>
    /// <param name="context">The job, and how to report progress, checkpoints and log lines.</param>
    /// <param name="cancellationToken">The same token as <see cref="IJobContext.CancellationToken"/>.</param>
    /// <returns>How the attempt ended.</returns>
    Task<JobResult> HandleAsync(TArgs args, IJobContext context, CancellationToken cancellationToken);
}
