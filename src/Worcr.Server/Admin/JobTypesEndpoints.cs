using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Worcr.Core.Errors;
using Worcr.Server.Enqueue;
using Worcr.Server.JobTypes;

namespace Worcr.Server.Admin;

/// <summary>
/// /api/job-types: list the known types with their settings, and set one type's settings (which also declares
/// it). This node applies a change at once; the other nodes within <see cref="JobTypeSettingsCache.Ttl"/>.
/// </summary>
internal sealed class JobTypesEndpoints
{
    private readonly JobTypeRegistry _jobTypes;

    public JobTypesEndpoints(JobTypeRegistry jobTypes) => _jobTypes = jobTypes;

    public static void Map(RouteGroupBuilder api)
    {
        var endpoints = AdminApi.Create<JobTypesEndpoints>(api);
        api.MapGet("/job-types", endpoints.ListAsync);
        api.MapPut("/job-types/{name}", endpoints.SaveAsync);
    }

    private async Task<IResult> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await _jobTypes.ListAsync(cancellationToken);
        return AdminJson.Ok(new JobTypeListView(rows.Select(JobTypeView.From).ToList()));
    }

    private async Task<IResult> SaveAsync(string name, HttpRequest request, CancellationToken cancellationToken)
    {
        if (InvalidName(name) is { } nameError) return AdminJson.Error(StatusCodes.Status400BadRequest, nameError);
        var input = await AdminJson.ReadAsync<JobTypeInput>(request, cancellationToken);
        if (input.Value is null) return AdminJson.Error(StatusCodes.Status400BadRequest, input.Error!);
        var (settings, error) = input.Value.Check();
        if (settings is null) return AdminJson.Error(StatusCodes.Status400BadRequest, error!);
        var saved = await _jobTypes.SaveSettingsAsync(name, settings, cancellationToken);
        return AdminJson.Ok(JobTypeView.From(saved));
    }

    /// <summary>The same rule as for a job's type at enqueue, so every type saved here can be enqueued.</summary>
    private static string? InvalidName(string name)
    {
        try
        {
            JobSpecValidator.ValidateType(name, "name");
            return null;
        }
        catch (WorcrError exception)
        {
            return exception.Message;
        }
    }
}
