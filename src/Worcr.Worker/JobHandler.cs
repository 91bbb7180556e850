namespace Worcr.Worker;

/// <summary>Runs one attempt of a job and says how it ended. Throwing counts as a retryable failure.</summary>
public delegate Task<JobResult> JobHandler(JobContext context);
