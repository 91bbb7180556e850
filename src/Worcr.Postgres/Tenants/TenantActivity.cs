namespace Worcr.Postgres;

/// <summary>How many jobs of a tenant wait and run right now.</summary>
public sealed record TenantActivity(string Tenant, long Waiting, long Running);
