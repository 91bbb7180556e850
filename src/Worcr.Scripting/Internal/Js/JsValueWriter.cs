using System.Text.Json;
using Jurassic;
using Jurassic.Library;

namespace Worcr.Scripting.Internal.Js;

/// <summary>Builds a rule's arguments as Jurassic objects and arrays; never CLR objects.</summary>
internal static class JsValueWriter
{
    public static object[] Arguments(ScriptEngine engine, RuleArguments arguments)
    {
        var job = Job(engine, arguments.Job, arguments.Args);
        if (arguments.Worker is not null)
        {
            return [job, Worker(engine, arguments.Worker)];
        }

        return arguments.Attempt is { } attempt ? [job, attempt, arguments.Error ?? string.Empty] : [job];
    }

    private static ObjectInstance Job(ScriptEngine engine, JobFacts job, JsonElement args)
    {
        var value = engine.Object.Construct();
        value["type"] = job.Type ?? string.Empty;
        value["tenant"] = job.Tenant ?? string.Empty;
        value["tags"] = List(engine, job.Tags);
        value["args"] = Json(engine, args);
        value["attempt"] = job.Attempt;
        value["enqueued_at"] = (double)job.EnqueuedAt.ToUnixTimeSeconds();
        return value;
    }

    private static ObjectInstance Worker(ScriptEngine engine, WorkerFacts worker)
    {
        var value = engine.Object.Construct();
        value["id"] = worker.WorkerId ?? string.Empty;
        value["tags"] = List(engine, worker.Tags);
        value["job_types"] = List(engine, worker.JobTypes);
        return value;
    }

    private static ArrayInstance List(ScriptEngine engine, IReadOnlyList<string>? values) =>
        engine.Array.New((values ?? []).Cast<object>().ToArray());

    private static object Json(ScriptEngine engine, JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => JsonObject(engine, element),
        JsonValueKind.Array => engine.Array.New(element.EnumerateArray().Select(item => Json(engine, item)).ToArray()),
        JsonValueKind.String => element.GetString() ?? string.Empty,
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => Null.Value,
    };

    private static ObjectInstance JsonObject(ScriptEngine engine, JsonElement element)
    {
        var value = engine.Object.Construct();
        foreach (var property in element.EnumerateObject())
        {
            value[property.Name] = Json(engine, property.Value);
        }

        return value;
    }
}
