using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Worcr.Core.Input;
using Worcr.Server.Rules;

namespace Worcr.Admin;

/// <summary>
/// /api/rules: list, save, delete, validate and explain. Handlers only translate HTTP to
/// <see cref="RuleChecker"/>, <see cref="RuleListing"/>, <see cref="RuleExplainer"/> and the store, and back.
/// After a save or delete this node reloads at once; the others reload on the store's NOTIFY.
/// </summary>
internal sealed class RulesEndpoints
{
    private const string DraftName = "draft";
    private readonly RuleCatalog _rules;
    private readonly RuleChecker _checker;

    public RulesEndpoints(RuleCatalog rules)
    {
        _rules = rules;
        _checker = new RuleChecker(rules.Limits);
    }

    public static void Map(RouteGroupBuilder api)
    {
        var endpoints = AdminApi.Create<RulesEndpoints>(api);
        api.MapGet("/rules", endpoints.ListAsync).AllowReadOnly();
        api.MapPut("/rules/{name}", endpoints.SaveAsync);
        api.MapDelete("/rules/{name}", endpoints.DeleteAsync);
        // Pure checks, POST only for their bodies: they compile and evaluate a draft in memory and store nothing. A
        // draft is code, so only explaining the saved rules is open to the read-only role (DraftAccess).
        api.MapPost("/rules/validate", endpoints.ValidateAsync);
        api.MapPost("/rules/explain", endpoints.ExplainAsync).AllowReadOnly();
    }

    private async Task<IResult> ListAsync(CancellationToken cancellationToken) =>
        AdminJson.Ok(await RuleListing.ListAsync(_rules, cancellationToken));

    private async Task<IResult> SaveAsync(string name, HttpRequest request, CancellationToken cancellationToken)
    {
        var input = await AdminJson.ReadAsync<RuleInput>(request, cancellationToken);
        if (input.Value is null) return AdminJson.Error(StatusCodes.Status400BadRequest, input.Error!);
        var (draft, problem) = _checker.Compile(name, input.Value);
        if (draft is null) return AdminJson.Error(StatusCodes.Status400BadRequest, problem!.Error, problem.Line);
        var rule = draft.Rule;
        draft.Dispose(); // compiled only to prove it compiles; the node compiles its own copy on reload
        var saved = await _rules.Store.SaveAsync(rule.Name, rule.Kind, rule.Language, rule.Code, rule.Order, rule.Enabled, cancellationToken);
        await _rules.ReloadAsync(cancellationToken);
        return AdminJson.Ok(RuleListing.View(saved));
    }

    private async Task<IResult> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        if (!await _rules.Store.DeleteAsync(name, cancellationToken))
        {
            return AdminJson.Error(StatusCodes.Status404NotFound, $"No rule named {TextCheck.QuoteName(name)} is stored in the database (rule files cannot be deleted through the API).");
        }
        await _rules.ReloadAsync(cancellationToken);
        return Results.NoContent();
    }

    private async Task<IResult> ValidateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var input = await AdminJson.ReadAsync<RuleInput>(request, cancellationToken);
        if (input.Value is null) return AdminJson.Error(StatusCodes.Status400BadRequest, input.Error!);
        var (draft, problem) = _checker.Compile(input.Value.Name ?? DraftName, input.Value);
        draft?.Dispose();
        return problem is null
            ? AdminJson.Ok(new ValidationView(true))
            : AdminJson.Status(StatusCodes.Status400BadRequest, new ValidationView(false, problem.Error, problem.Line));
    }

    private async Task<IResult> ExplainAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var input = await AdminJson.ReadAsync<ExplainInput>(request, cancellationToken);
        if (input.Value is null) return AdminJson.Error(StatusCodes.Status400BadRequest, input.Error!);
        var (job, worker, error) = ExplainFacts.From(input.Value);
        if (error is not null) return AdminJson.Error(StatusCodes.Status400BadRequest, error);
        var book = _rules.Current;
        if (input.Value.Draft is null) return AdminJson.Ok(RuleExplainer.Explain(book, job!, worker!, draft: null));
        if (DraftAccess.Refusal(request.HttpContext) is { } refusal) return refusal;
        var (draft, problem) = _checker.Compile(input.Value.Draft.Name ?? DraftName, input.Value.Draft);
        if (draft is null) return AdminJson.Error(StatusCodes.Status400BadRequest, "Field 'draft': " + problem!.Error, problem.Line);
        using (draft)
        {
            return AdminJson.Ok(RuleExplainer.Explain(book, job!, worker!, draft));
        }
    }
}
