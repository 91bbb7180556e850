namespace Worcr.Worker;

/// <summary>
/// Runs one attempt of a job and says how it ended. Throwing <see cref="JobFailedException"/> fails the attempt as
/// it says; throwing anything else counts as a retryable failure.
/// </summary>
/// <param name="context">The job, and how to report progress, checkpoints and log lines.</param>
/// <returns>How the attempt ended.</returns>
public delegate Task<JobResult> JobHandler(IJobContext context);
