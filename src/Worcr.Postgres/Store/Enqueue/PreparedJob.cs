using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>A NewJob with its position in the call, its lane resolved, and (once inserted) its id.</summary>
internal sealed record PreparedJob(int Index, NewJob Job, LaneKey Lane)
{
    public UniqueKey? Unique => Job.UniqueKey is null ? null : new UniqueKey(Job.Tenant, Job.Type, Job.UniqueKey);
}
