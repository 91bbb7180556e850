using Worcr.Core.Input;

namespace Worcr.Worker.Internal;

/// <summary>
/// A job type given to <see cref="WorcrWorker.Handle"/> or <c>AddHandler</c>, checked with the node's own rule
/// (<see cref="JobTypeFormat"/>). The registered types are Hello.job_types, and the node refuses a Hello with a type
/// outside the rule (INVALID_ARGUMENT): the mistake showed only once the worker ran and reached a node, which stopped it.
/// </summary>
internal static class JobTypeArgument
{
    /// <exception cref="ArgumentNullException"><paramref name="jobType"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="jobType"/> is not a job type; the message names <paramref name="method"/>.</exception>
    public static void Check(string jobType, string method)
    {
        ArgumentNullException.ThrowIfNull(jobType);
        if (JobTypeFormat.Problem(jobType, $"{method}(jobType)") is { } problem)
        {
            throw new ArgumentException($"{problem} The node refuses a worker that handles such a type.", nameof(jobType));
        }
    }
}
