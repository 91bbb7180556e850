using System.Globalization;
using KeraLua;

namespace Worcr.Scripting.Internal.Lua;

/// <summary>
/// Where in the rule a Lua error happened, as the rule's own line number, like JavaScript rules report it. Lua puts
/// "chunk:line: " in front of an error message, but the chunk is not always the rule: a library function called with
/// bad arguments reports the sandbox wrapper around it, and error(value, 0) or a non-string error names no position.
/// The rule's line then comes from the errored coroutine's stack, which Lua leaves in place after a failed resume.
/// </summary>
internal static class LuaErrorPosition
{
    /// <summary>The message without Lua's position prefix, and the rule's line the error belongs to (null when unknown).</summary>
    public static (string Text, int? Line) Of(string message, KeraLua.Lua thread, string ruleChunk, string sandboxChunk)
    {
        // error('...', 2) blames the caller on purpose: the prefix naming the rule is the line its author meant.
        if (TryStripPosition(message, ruleChunk, out var text, out var line)) return (text, line);
        if (TryStripPosition(message, sandboxChunk, out text, out _)) message = text;
        return (message, InnermostRuleLine(thread, "=" + ruleChunk));
    }

    private static bool TryStripPosition(string message, string chunk, out string text, out int line)
    {
        text = message;
        line = 0;
        if (!message.StartsWith(chunk + ":", StringComparison.Ordinal)) return false;
        var digitsStart = chunk.Length + 1;
        var colon = message.IndexOf(':', digitsStart);
        if (colon < 0 || !int.TryParse(message.AsSpan(digitsStart, colon - digitsStart), NumberStyles.None, CultureInfo.InvariantCulture, out line)) return false;
        text = message[(colon + 1)..].TrimStart();
        return true;
    }

    /// <summary>The current line of the innermost frame running the rule's chunk, walking out from the error.</summary>
    private static int? InnermostRuleLine(KeraLua.Lua thread, string ruleSource)
    {
        var frame = new LuaDebug();
        for (var level = 0; thread.GetStack(level, ref frame) == 1; level++)
        {
            if (thread.GetInfo("Sl", ref frame) && frame.CurrentLine > 0 && frame.Source == ruleSource) return frame.CurrentLine;
        }

        return null;
    }
}
