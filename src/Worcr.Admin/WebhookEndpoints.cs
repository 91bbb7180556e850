using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Worcr.Postgres;

namespace Worcr.Admin;

/// <summary>/api/webhooks: list, read, save and delete subscriptions, and read one's delivery log.</summary>
internal sealed class WebhookEndpoints
{
    private const int DefaultDeliveries = 100;
    private const int MaxDeliveries = 1000;
    private readonly WebhookStore _webhooks;

    public WebhookEndpoints(WebhookStore webhooks) => _webhooks = webhooks;

    public static void Map(RouteGroupBuilder api)
    {
        var endpoints = AdminApi.Create<WebhookEndpoints>(api);
        api.MapGet("/webhooks", endpoints.ListAsync).AllowReadOnly();
        api.MapGet("/webhooks/{name}", endpoints.GetAsync).AllowReadOnly();
        api.MapPut("/webhooks/{name}", endpoints.SaveAsync);
        api.MapDelete("/webhooks/{name}", endpoints.DeleteAsync);
        api.MapGet("/webhooks/{name}/deliveries", endpoints.DeliveriesAsync).AllowReadOnly();
    }

    private async Task<IResult> ListAsync(HttpContext http, CancellationToken cancellationToken) =>
        AdminJson.Ok(new WebhookListView((await _webhooks.ListAsync(cancellationToken)).Select(s => WebhookView.Of(s, AdminCaller.Of(http))).ToArray()));

    private async Task<IResult> GetAsync(string name, HttpContext http, CancellationToken cancellationToken) =>
        await _webhooks.GetAsync(name, cancellationToken) is { } subscription ? AdminJson.Ok(WebhookView.Of(subscription, AdminCaller.Of(http))) : NotFound(name);

    private async Task<IResult> SaveAsync(string name, HttpRequest request, CancellationToken cancellationToken)
    {
        var input = await AdminJson.ReadAsync<WebhookInput>(request, cancellationToken);
        if (input.Value is null) return AdminJson.Error(StatusCodes.Status400BadRequest, input.Error!);
        var stored = input.Value.Secret is null ? await _webhooks.GetAsync(name, cancellationToken) : null;
        var (subscription, error) = WebhookValidator.Validate(name, input.Value, stored?.Secret);
        if (subscription is null) return AdminJson.Error(StatusCodes.Status400BadRequest, error!);
        return AdminJson.Ok(WebhookView.Of(await _webhooks.UpsertAsync(subscription, cancellationToken)));
    }

    private async Task<IResult> DeleteAsync(string name, CancellationToken cancellationToken) =>
        await _webhooks.DeleteAsync(name, cancellationToken) ? Results.NoContent() : NotFound(name);

    /// <summary>
    /// The limit is read here, not bound as an int by the framework: a value that was no int ("abc", 99999999999) got a
    /// 400 with an empty body, which names nothing, and one out of range was quietly clamped.
    /// </summary>
    private async Task<IResult> DeliveriesAsync(string name, HttpRequest request, CancellationToken cancellationToken)
    {
        var limit = DefaultDeliveries;
        if (request.Query["limit"].ToString() is { Length: > 0 } text
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxDeliveries))
        {
            return AdminJson.Error(StatusCodes.Status400BadRequest, $"Query 'limit' is {Core.Input.TextCheck.Quote(text)}; use a whole number from 1 to {MaxDeliveries}.");
        }
        if (await _webhooks.GetAsync(name, cancellationToken) is null) return NotFound(name);
        var deliveries = await _webhooks.DeliveriesAsync(name, limit, cancellationToken);
        return AdminJson.Ok(new WebhookDeliveriesView(deliveries.Select(WebhookDeliveryView.Of).ToArray()));
    }

    private static IResult NotFound(string name) => AdminJson.Error(StatusCodes.Status404NotFound, $"No webhook subscription named {Core.Input.TextCheck.QuoteName(name)}.");
}
