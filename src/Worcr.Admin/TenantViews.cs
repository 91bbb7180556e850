namespace Worcr.Admin;

/// <summary>A tenant as GET /api/tenants lists it: its settings, effective share, current load and key count.</summary>
internal sealed record TenantView(string Name, string? Plan, double? Weight, double Share, long Waiting, long Running, int ApiKeys);

internal sealed record PlanView(string Name, double Weight);

internal sealed record TenantListView(IReadOnlyList<TenantView> Tenants, IReadOnlyList<PlanView> Plans);
