using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Worcr.Postgres;
using Worcr.Server.Maintenance;

namespace Worcr.Server.Tests.Events;

/// <summary>Backoff and signing of webhook deliveries, without a network.</summary>
public sealed class WebhookSigningTests
{
    [Fact]
    public void Retries_back_off_1_2_4_seconds_and_stop_growing_at_ten_minutes()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), WebhookRetryPolicy.After(1));
        Assert.Equal(TimeSpan.FromSeconds(2), WebhookRetryPolicy.After(2));
        Assert.Equal(TimeSpan.FromSeconds(4), WebhookRetryPolicy.After(3));
        Assert.Equal(TimeSpan.FromMinutes(10), WebhookRetryPolicy.After(11));
        Assert.Equal(TimeSpan.FromMinutes(10), WebhookRetryPolicy.After(500));
    }

    [Fact]
    public void Signature_is_hmac_sha256_of_timestamp_dot_body_in_lower_hex()
    {
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("s3cret"), Encoding.UTF8.GetBytes("1700000000.{\"a\":1}")));

        Assert.Equal(expected, WebhookSignature.Sign("s3cret", "1700000000", "{\"a\":1}"));
    }

    [Fact]
    public void Body_carries_id_event_job_and_time()
    {
        var message = new WebhookMessage(42, "sub", "job.completed", "{\"id\":\"7\",\"tenant\":\"acme\"}", DateTimeOffset.UnixEpoch, 1, "http://127.0.0.1/", "s");

        using var body = JsonDocument.Parse(WebhookSender.Body(message));

        Assert.Equal("42", body.RootElement.GetProperty("id").GetString());
        Assert.Equal("job.completed", body.RootElement.GetProperty("event").GetString());
        Assert.Equal("acme", body.RootElement.GetProperty("job").GetProperty("tenant").GetString());
        Assert.Equal(DateTimeOffset.UnixEpoch, body.RootElement.GetProperty("at").GetDateTimeOffset());
    }
}
