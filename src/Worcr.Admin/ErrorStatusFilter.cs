using Microsoft.AspNetCore.Http;
using Worcr.Core.Errors;

namespace Worcr.Admin;

/// <summary>
/// The one place where a domain error (<see cref="WorcrError"/>) becomes an HTTP answer of the admin API: its kind
/// is the status code, its message the JSON error body every other admin error has.
/// </summary>
internal sealed class ErrorStatusFilter : IEndpointFilter
{
    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => StatusCodes.Status400BadRequest,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.Unauthenticated => StatusCodes.Status401Unauthorized,
        ErrorKind.PermissionDenied => StatusCodes.Status403Forbidden,
        ErrorKind.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (WorcrError error)
        {
            return AdminJson.Error(StatusOf(error.Kind), error.Message);
        }
    }
}
