using System.Text.Json;
using Jint;
using Jint.Native;

namespace Worcr.Scripting.Internal.Js;

/// <summary>Builds a rule's arguments as plain JavaScript objects and arrays of one engine; never CLR objects.</summary>
internal sealed class JsValueWriter(Engine engine)
{
    public JsValue[] Arguments(RuleArguments arguments)
    {
        var job = Job(arguments.Job, arguments.Args);
        if (arguments.Worker is not null)
        {
            return [job, Worker(arguments.Worker)];
        }

        return arguments.Attempt is { } attempt ? [job, attempt, arguments.Error ?? string.Empty] : [job];
    }

    private JsObject Job(JobFacts job, JsonElement args)
    {
        var value = new JsObject(engine);
        value.FastSetDataProperty("type", job.Type ?? string.Empty);
        value.FastSetDataProperty("tenant", job.Tenant ?? string.Empty);
        value.FastSetDataProperty("tags", List(job.Tags));
        value.FastSetDataProperty("args", Json(args));
        value.FastSetDataProperty("attempt", job.Attempt);
        value.FastSetDataProperty("enqueued_at", (double)job.EnqueuedAt.ToUnixTimeSeconds());
        return value;
    }

    private JsObject Worker(WorkerFacts worker)
    {
        var value = new JsObject(engine);
        value.FastSetDataProperty("id", worker.WorkerId ?? string.Empty);
        value.FastSetDataProperty("tags", List(worker.Tags));
        value.FastSetDataProperty("job_types", List(worker.JobTypes));
        return value;
    }

    private JsArray List(IReadOnlyList<string>? values)
    {
        values ??= [];
        var items = new JsValue[values.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = values[i];
        }

        return new JsArray(engine, items);
    }

    private JsValue Json(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => JsonObject(element),
        JsonValueKind.Array => new JsArray(engine, [.. element.EnumerateArray().Select(Json)]),
        JsonValueKind.String => element.GetString() ?? string.Empty,
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.True => JsBoolean.True,
        JsonValueKind.False => JsBoolean.False,
        _ => JsValue.Null,
    };

    private JsObject JsonObject(JsonElement element)
    {
        var value = new JsObject(engine);
        foreach (var property in element.EnumerateObject())
        {
            value.Set(property.Name, Json(property.Value));
        }

        return value;
    }
}
