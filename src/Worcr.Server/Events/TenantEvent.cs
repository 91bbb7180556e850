using Worcr.Protocol.V1;

namespace Worcr.Server.Events;

/// <summary>A job event with its job's tenant, so tenant-wide watchers can be served without reading the job.</summary>
internal readonly record struct TenantEvent(string Tenant, JobEvent Event);
