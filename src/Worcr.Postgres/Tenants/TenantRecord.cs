namespace Worcr.Postgres;

/// <summary>A tenant's settings: its plan and its own weight (null: take the plan's, else 1).</summary>
public sealed record TenantRecord(string Name, string? Plan, double? Weight, DateTimeOffset UpdatedAt);

/// <summary>A plan: a named default weight for the tenants on it.</summary>
public sealed record PlanRecord(string Name, double Weight, DateTimeOffset UpdatedAt);
