namespace Worcr.Admin;

// POST /api/rules/dry-run (docs/admin-api.md).

internal sealed class DryRunInput
{
    /// <summary>The rule to try as if it were saved (replacing any rule of the same name); null: current rules only.</summary>
    public RuleInput? Draft { get; init; }
}

internal sealed record DryRunView(string RulesVersion, IReadOnlyList<DryRunWorkerView> Workers);

internal sealed record DryRunWorkerView(string WorkerId, string NodeId, IReadOnlyList<string> Tags, DryRunPlanView Current, DryRunPlanView? Draft);

/// <summary>The lanes a worker may take with their expected shares (summing to 1), largest first; next is the first.</summary>
internal sealed record DryRunPlanView(DryRunLaneView? Next, IReadOnlyList<DryRunLaneView> Lanes);

internal sealed record DryRunLaneView(long LaneId, string Tenant, string Type, IReadOnlyList<string> Tags, double Share);
