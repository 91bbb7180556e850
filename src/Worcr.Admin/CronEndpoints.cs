using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Worcr.Core.Errors;
using Worcr.Core.Input;
using Worcr.Postgres;
using Worcr.Server.Hosting;
using Worcr.Server.JobTypes;
using Worcr.Server.Maintenance;

namespace Worcr.Admin;

/// <summary>/api/cron: list, read, save and delete schedules. Saved schedules get origin 'api'.</summary>
internal sealed class CronEndpoints
{
    private readonly CronStore _cron;
    private readonly JobTypeRegistry _jobTypes;

    public CronEndpoints(CronStore cron, JobTypeRegistry jobTypes)
    {
        _cron = cron;
        _jobTypes = jobTypes;
    }

    public static void Map(RouteGroupBuilder api)
    {
        var endpoints = AdminApi.Create<CronEndpoints>(api);
        api.MapGet("/cron", endpoints.ListAsync).AllowReadOnly();
        api.MapGet("/cron/{name}", endpoints.GetAsync).AllowReadOnly();
        api.MapPut("/cron/{name}", endpoints.SaveAsync);
        api.MapDelete("/cron/{name}", endpoints.DeleteAsync);
    }

    private async Task<IResult> ListAsync(CancellationToken cancellationToken) =>
        AdminJson.Ok(new CronListView((await _cron.ListAsync(cancellationToken)).Select(CronScheduleView.Of).ToArray()));

    private async Task<IResult> GetAsync(string name, CancellationToken cancellationToken) =>
        await _cron.GetAsync(name, cancellationToken) is { } schedule
            ? AdminJson.Ok(CronScheduleView.Of(schedule))
            : NotFound(name);

    private async Task<IResult> SaveAsync(string name, HttpRequest request, CancellationToken cancellationToken)
    {
        var input = await AdminJson.ReadAsync<CronScheduleInput>(request, cancellationToken);
        if (input.Value is null) return AdminJson.Error(StatusCodes.Status400BadRequest, input.Error!);
        try
        {
            var (definition, timing) = CronScheduleValidator.Validate(name, input.Value, "api");
            await _jobTypes.RequireKnownAsync(definition.Job.Type, "Field 'job.type'", cancellationToken);
            var saved = await _cron.UpsertAsync(definition, timing.NextAfter, cancellationToken);
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
        await _cron.DeleteAsync(name, cancellationToken) ? Results.NoContent() : NotFound(name);

    private static IResult NotFound(string name) => AdminJson.Error(StatusCodes.Status404NotFound, $"No cron schedule named {TextCheck.QuoteName(name)}.");
}
