using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Worcr.Server.Tests.Telemetry;

/// <summary>
/// Operators find a log line by its event id (docs/operations.md names them), so two log methods must never share
/// one: the source generator checks ids only within one class, so this test checks them across every Worcr assembly.
/// </summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void No_two_log_methods_of_any_worcr_assembly_share_an_event_id()
    {
        var methods = WorcrAssemblies().SelectMany(LogMethods).ToList();

        var shared = methods
            .GroupBy(m => m.EventId)
            .Where(g => g.Select(m => m.Name).Distinct().Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Name).Order())}")
            .ToList();

        Assert.True(methods.Count > 50, $"only {methods.Count} log methods found; the assembly walk missed some");
        Assert.True(shared.Count == 0, "event ids used by more than one log method: " + string.Join("; ", shared));
    }

    /// <summary>The Worcr assemblies this test assembly references, directly or through each other.</summary>
    private static IEnumerable<Assembly> WorcrAssemblies()
    {
        var seen = new Dictionary<string, Assembly>();
        var pending = new Stack<Assembly>([typeof(LogEventIdTests).Assembly]);
        while (pending.TryPop(out var assembly))
        {
            foreach (var name in assembly.GetReferencedAssemblies())
            {
                if (IsWorcrProduct(name.Name) && !seen.ContainsKey(name.Name!))
                {
                    var referenced = Assembly.Load(name);
                    seen.Add(name.Name!, referenced);
                    pending.Push(referenced);
                }
            }
        }
        return seen.Values;
    }

    private static bool IsWorcrProduct(string? name) =>
        name is not null && name.StartsWith("Worcr.", StringComparison.Ordinal)
        && !name.EndsWith(".Tests", StringComparison.Ordinal) && name != "Worcr.Testing";

    private static IEnumerable<(int EventId, string Name)> LogMethods(Assembly assembly) =>
        from type in assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
        where attribute is not null && attribute.EventId >= 0
        select (attribute.EventId, $"{type.FullName}.{method.Name}");
}
