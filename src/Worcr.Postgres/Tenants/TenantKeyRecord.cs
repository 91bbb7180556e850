namespace Worcr.Postgres;

/// <summary>A tenant API key as listed: never the key itself, only its first characters to recognise it by.</summary>
public sealed record TenantKeyRecord(long Id, string Tenant, string Label, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);
