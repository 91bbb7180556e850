using System.Text.Json;
using KeraLua;

namespace Worcr.Scripting.Internal.Lua;

/// <summary>
/// Pushes a rule's arguments as plain Lua tables built with KeraLua calls. No CLR object is ever pushed:
/// one would hand the script a path to GetType().Assembly.
/// </summary>
internal static class LuaValueWriter
{
    /// <summary>Stack slots a call may need: nested args tables use two slots per level.</summary>
    public const int StackSlotsNeeded = 2 * RuleArguments.MaxArgsDepth + 16;

    /// <summary>Pushes the function's arguments in order and returns how many were pushed.</summary>
    public static int PushArguments(KeraLua.Lua lua, RuleArguments arguments)
    {
        PushJob(lua, arguments.Job, arguments.Args);
        if (arguments.Worker is not null)
        {
            PushWorker(lua, arguments.Worker);
            return 2;
        }

        if (arguments.Attempt is { } attempt)
        {
            lua.PushInteger(attempt);
            lua.PushString(arguments.Error ?? string.Empty);
            return 3;
        }

        return 1;
    }

    private static void PushJob(KeraLua.Lua lua, JobFacts job, JsonElement args)
    {
        lua.CreateTable(0, 6);
        SetString(lua, "type", job.Type);
        SetString(lua, "tenant", job.Tenant);
        SetList(lua, "tags", job.Tags);
        PushJson(lua, args);
        lua.SetField(-2, "args");
        lua.PushInteger(job.Attempt);
        lua.SetField(-2, "attempt");
        lua.PushInteger(job.EnqueuedAt.ToUnixTimeSeconds());
        lua.SetField(-2, "enqueued_at");
    }

    private static void PushWorker(KeraLua.Lua lua, WorkerFacts worker)
    {
        lua.CreateTable(0, 3);
        SetString(lua, "id", worker.WorkerId);
        SetList(lua, "tags", worker.Tags);
        SetList(lua, "job_types", worker.JobTypes);
    }

    private static void SetString(KeraLua.Lua lua, string field, string? value)
    {
        lua.PushString(value ?? string.Empty);
        lua.SetField(-2, field);
    }

    private static void SetList(KeraLua.Lua lua, string field, IReadOnlyList<string>? values)
    {
        values ??= [];
        lua.CreateTable(values.Count, 0);
        for (var i = 0; i < values.Count; i++)
        {
            lua.PushString(values[i]);
            lua.RawSetInteger(-2, i + 1);
        }

        lua.SetField(-2, field);
    }

    private static void PushJson(KeraLua.Lua lua, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                PushJsonObject(lua, element);
                break;
            case JsonValueKind.Array:
                PushJsonArray(lua, element);
                break;
            case JsonValueKind.String:
                lua.PushString(element.GetString());
                break;
            case JsonValueKind.Number when element.TryGetInt64(out var whole):
                lua.PushInteger(whole);
                break;
            case JsonValueKind.Number:
                lua.PushNumber(element.GetDouble());
                break;
            case JsonValueKind.True or JsonValueKind.False:
                lua.PushBoolean(element.GetBoolean());
                break;
            default:
                lua.PushNil();
                break;
        }
    }

    private static void PushJsonObject(KeraLua.Lua lua, JsonElement element)
    {
        lua.CreateTable(0, 0);
        foreach (var property in element.EnumerateObject())
        {
            lua.PushString(property.Name);
            PushJson(lua, property.Value);
            lua.RawSet(-3);
        }
    }

    private static void PushJsonArray(KeraLua.Lua lua, JsonElement element)
    {
        lua.CreateTable(element.GetArrayLength(), 0);
        var index = 1;
        foreach (var item in element.EnumerateArray())
        {
            PushJson(lua, item);
            lua.RawSetInteger(-2, index++);
        }
    }
}
