using Microsoft.Extensions.Options;

namespace Worcr.Server.Hosting;

/// <summary>
/// Validates one concern's options at start-up (registered with ValidateOnStart): each problem names the setting
/// and how to fix it. <see cref="NodeOptions.Validate"/> runs the same checks over every concern.
/// </summary>
internal abstract class SettingsValidator<TOptions> : IValidateOptions<TOptions> where TOptions : class
{
    /// <summary>Every problem with <paramref name="options"/>; none when they are valid.</summary>
    public abstract IEnumerable<string> Problems(TOptions options);

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
