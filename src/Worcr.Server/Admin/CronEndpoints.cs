using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Worcr.Server.Hosting;
using Worcr.Server.Maintenance;
using Worcr.Core.Errors;

namespace Worcr.Server.Admin;

/// <summary>/api/cron: list, read, save and delete schedules. Saved schedules get origin 'api'.</summary>
internal sealed class CronEndpoints
{
    private readonly NodeServices _services;

    private CronEndpoints(NodeServices services) => _services = services;

    public static void Map(RouteGroupBuilder api, NodeServices services)
    {
        var endpoints = new CronEndpoints(services);
        api.MapGet("/cron", endpoints.ListAsync);
        api.MapGet("/cron/{name}", endpoints.GetAsync);
        api.MapPut("/cron/{name}", endpoints.SaveAsync);
        api.MapDelete("/cron/{name}", endpoints.DeleteAsync);
    }

    private async Task<IResult> ListAsync(CancellationToken cancellationToken) =>
        AdminJson.Ok(new CronListView((await _services.Cron.ListAsync(cancellationToken)).Select(CronScheduleView.Of).ToArray()));

    private async Task<IResult> GetAsync(string name, CancellationToken cancellationToken) =>
        await _services.Cron.GetAsync(name, cancellationToken) is { } schedule
            ? AdminJson.Ok(CronScheduleView.Of(schedule))
            : NotFound(name);

    private async Task<IResult> SaveAsync(string name, HttpRequest request, CancellationToken cancellationToken)
    {
        var input = await AdminJson.ReadAsync<CronScheduleInput>(request, cancellationToken);
        if (input.Value is null) return AdminJson.Error(StatusCodes.Status400BadRequest, input.Error!);
        try
        {
            var (definition, timing) = CronScheduleValidator.Validate(name, input.Value, _services.Options.DefaultMaxAttempts, "api");
            await _services.JobTypes.RequireKnownAsync(definition.Job.Type, "Field 'job.type'", cancellationToken);
            var saved = await _services.Cron.UpsertAsync(definition, timing.NextAfter(_services.Time.GetUtcNow()), cancellationToken);
            return AdminJson.Ok(CronScheduleView.Of(saved));
        }
        catch (CronDefinitionException exception)
        {
            return AdminJson.Error(StatusCodes.Status400BadRequest, exception.Message);
        }
        catch (WorcrError exception)
        {
            return AdminJson.Error(StatusCodes.Status400BadRequest, exception.Message);
        }
    }

    private async Task<IResult> DeleteAsync(string name, CancellationToken cancellationToken) =>
        await _services.Cron.DeleteAsync(name, cancellationToken) ? Results.NoContent() : NotFound(name);

    private static IResult NotFound(string name) => AdminJson.Error(StatusCodes.Status404NotFound, $"No cron schedule named '{name}'.");
}
