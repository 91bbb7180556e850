namespace Worcr.Admin;

/// <summary>PUT /api/tenants/{name}: both optional; null (or absent) means "the plan's weight" / "no plan".</summary>
internal sealed record TenantInput(string? Plan, double? Weight);

/// <summary>PUT /api/plans/{name}.</summary>
internal sealed record PlanInput(double? Weight);

/// <summary>POST /api/tenants/{name}/keys.</summary>
internal sealed record TenantKeyInput(string? Label);
