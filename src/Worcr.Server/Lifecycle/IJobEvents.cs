using Worcr.Core.Jobs;

namespace Worcr.Server.Lifecycle;

/// <summary>Where the lifecycle announces each state change it made (the node's live events; a list in tests).</summary>
internal interface IJobEvents
{
    void StateChanged(JobStateRecord change);
}
