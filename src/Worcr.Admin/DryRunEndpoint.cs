using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Worcr.Postgres;
using Worcr.Server.Dispatch;
using Worcr.Server.Fairness;
using Worcr.Server.Hosting;
using Worcr.Server.Rules;

namespace Worcr.Admin;

/// <summary>
/// POST /api/rules/dry-run: what every connected worker (all nodes) would get from the lanes that have waiting
/// jobs, under the live rules and under a draft rule, before the draft is saved. Read-only: nothing is claimed.
/// The rules run without dispatch's breakers (each under this request's <see cref="RuleTimeAllowance"/> instead).
/// </summary>
internal sealed class DryRunEndpoint
{
    /// <summary>The lanes with the most waiting jobs that are considered (bounds rule evaluations to workers × lanes).</summary>
    public const int MaxLanes = 1_000;
    private const string DraftName = "draft";
    private readonly RuleCatalog _rules;
    private readonly JobStore _store;
    private readonly string _nodeId;
    private readonly FairnessOptions _sharing;
    private readonly Core.Fairness.ITenantShares _tenantShares;
    private readonly TimeProvider _time;
    private readonly Redis.PresenceRegistry _presence;
    private readonly Server.Dispatch.Dispatcher _dispatcher;
    private readonly ILogger _logger;
    private readonly RuleChecker _checker;

    public DryRunEndpoint(RuleCatalog rules, JobStore store, IOptions<NodeIdentityOptions> identity, IOptions<FairnessOptions> sharing, Server.Fairness.TenantShareTable tenantShares, TimeProvider time,
        Redis.PresenceRegistry presence, Server.Dispatch.Dispatcher dispatcher, ILogger<DryRunEndpoint> logger)
    {
        _rules = rules;
        _store = store;
        _nodeId = identity.Value.NodeId;
        _sharing = sharing.Value;
        _tenantShares = tenantShares;
        _time = time;
        _presence = presence;
        _dispatcher = dispatcher;
        _logger = logger;
        _checker = new RuleChecker(rules.Limits);
    }

    /// <summary>Pure (POST only for its body): plans from what is stored and connected, stores nothing. A draft needs the admin role (DraftAccess).</summary>
    public static void Map(RouteGroupBuilder api) => api.MapPost("/rules/dry-run", AdminApi.Create<DryRunEndpoint>(api).RunAsync).AllowReadOnly();

    private async Task<IResult> RunAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var input = await AdminJson.ReadAsync<DryRunInput>(request, cancellationToken);
        if (input.Value is null) return AdminJson.Error(StatusCodes.Status400BadRequest, input.Error!);
        CompiledDraft? draft = null;
        if (input.Value.Draft is { } rule)
        {
            if (DraftAccess.Refusal(request.HttpContext) is { } refusal) return refusal;
            var (compiled, problem) = _checker.Compile(rule.Name ?? DraftName, rule);
            if (compiled is null) return AdminJson.Error(StatusCodes.Status400BadRequest, "Field 'draft': " + problem!.Error, problem.Line);
            draft = compiled;
        }
        using (draft)
        {
            return AdminJson.Ok(await PlanAsync(draft, cancellationToken));
        }
    }

    private async Task<DryRunView> PlanAsync(CompiledDraft? draft, CancellationToken cancellationToken)
    {
        var book = _rules.Current;
        var backlog = (await _store.ReadBacklogAsync(cancellationToken))
            .OrderByDescending(l => l.Waiting).ThenBy(l => l.Lane.Id).Take(MaxLanes).ToList();
        var workers = await ConnectedWorkers.ListAsync(_presence, _dispatcher, _nodeId, _logger, cancellationToken);
        var planner = new DryRunPlanner(backlog, DispatcherNode.FairnessOf(_sharing), _tenantShares, _sharing.AgingPeriod, _time.GetUtcNow());
        var currentWeights = RuleTimeAllowance.Apply(book.WeightsBypassingBreakers, RuleTimeAllowance.PerRequest);
        var draftWeights = draft is null ? null : RuleTimeAllowance.Apply(RuleExplainer.WithDraft(book.WeightsBypassingBreakers, draft), RuleTimeAllowance.PerRequest);
        var currentCache = new Dictionary<(long, string), double>();
        var draftCache = new Dictionary<(long, string), double>();
        var views = workers.Select(w => new DryRunWorkerView(
            w.Profile.WorkerId, w.NodeId, w.Profile.Tags,
            planner.Plan(w.Profile, currentWeights, currentCache),
            draftWeights is null ? null : planner.Plan(w.Profile, draftWeights, draftCache))).ToList();
        return new DryRunView(book.Version, views);
    }
}
