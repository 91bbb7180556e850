namespace Worcr.Server.Limits;

/// <summary>Who takes a limit's permits.</summary>
internal enum LimitMode
{
    /// <summary>The dispatcher, one permit per job it hands out (a job limit).</summary>
    Job,

    /// <summary>Workers, mid-job, through Workers.AcquireLimit (a rate limit).</summary>
    Rate,
}
