using Worcr.Core.Errors;
using Worcr.Protocol.V1;
using Worcr.Server.Enqueue;

namespace Worcr.Cli.Commands;

/// <summary>
/// The node's own checks, run on `worcr enqueue`'s flags before anything is sent: a bad value is named by its flag
/// and costs no call (the node checks again; these never replace its checks).
/// </summary>
internal static class EnqueueInput
{
    /// <returns>The problem, naming the flag, or null.</returns>
    public static string? Problem(JobSpec spec)
    {
        try
        {
            JobSpecValidator.ValidateType(spec.Type, "--type");
            JobSpecValidator.ValidateTenant(spec.Tenant, "--tenant");
            JobSpecValidator.ValidateTags(spec.Tags, "--tags");
            JobSpecValidator.ValidateJson(spec.ArgsJson, "--args");
            JobSpecValidator.ValidateText(spec.UniqueKey, "--unique-key", Core.Input.InputLimits.MaxUniqueKeyLength);
            // What is left (weight, max attempts) is named by the spec's field: "job.weight" is --weight.
            JobSpecValidator.ValidateSpec(spec, "job");
            return null;
        }
        catch (WorcrError error)
        {
            return error.Message;
        }
    }
}
