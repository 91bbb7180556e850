using System.Text.Json;
using Worcr.Protocol.V1;

namespace Worcr.Server.Tests.Limits;

/// <summary>Jobs and limit files for the limit tests.</summary>
internal static class LimitJobs
{
    public static JobSpec ForHost(string host, string type = "test.echo") =>
        new() { Type = type, Tenant = "acme", ArgsJson = JsonSerializer.Serialize(new { host }) };

    public static JobSpec Tagged(string tag, string type = "test.echo")
    {
        var spec = new JobSpec { Type = type, Tenant = "acme", ArgsJson = "{}" };
        spec.Tags.Add(tag);
        return spec;
    }

    public static string File(params object[] limits) => JsonSerializer.Serialize(limits);

    /// <summary>A concurrency job limit on the args field "host": each host at most <paramref name="capacity"/> jobs at once.</summary>
    public static object PerHost(int capacity) => new { name = "per-host", kind = "concurrency", match = new { by = "args", field = "host" }, capacity };
}
