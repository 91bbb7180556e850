using Microsoft.Extensions.Options;

namespace Worcr.Worker.Hosting;

/// <summary>Runs <see cref="WorkerOptions.Validate"/> for the options system, so a wrong setting stops the host at start with its message.</summary>
internal sealed class WorkerOptionsValidation : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException invalid)
        {
            return ValidateOptionsResult.Fail(invalid.Message);
        }
    }
}
