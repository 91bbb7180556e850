using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace Worcr.Server.Hosting;

/// <summary>
/// Gives IOptions&lt;T&gt; of one concern the node's own object (a part of the <see cref="NodeOptions"/> it was
/// started with) instead of a new one, so every component sees the settings the node was given; configure and
/// validate steps still run (ValidateOnStart included).
/// </summary>
internal sealed class SectionOptionsFactory<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(TOptions section, IEnumerable<IConfigureOptions<TOptions>> setups,
    IEnumerable<IPostConfigureOptions<TOptions>> postConfigures, IEnumerable<IValidateOptions<TOptions>> validations)
    : OptionsFactory<TOptions>(setups, postConfigures, validations) where TOptions : class
{
    protected override TOptions CreateInstance(string name) => section;
}
