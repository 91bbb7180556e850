using Worcr.Core.Dispatch;

namespace Worcr.Admin;

/// <summary>A worker connected to some node, as the dry run sees it.</summary>
internal sealed record ConnectedWorker(WorkerProfile Profile, string NodeId);
