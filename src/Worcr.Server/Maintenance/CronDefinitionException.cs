namespace Worcr.Server.Maintenance;

/// <summary>A schedule definition is wrong; <see cref="Field"/> is the JSON field at fault (snake_case).</summary>
internal sealed class CronDefinitionException(string field, string problem) : Exception($"Field '{field}': {problem}")
{
    public string Field { get; } = field;
}
