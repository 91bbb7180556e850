using Worcr.LocalServices;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>`worcr serve` of this repository's build in a process of its own (<see cref="NodeProcess"/>).</summary>
internal static class ChildNode
{
    public static NodeProcess Start(string workingDirectory, IReadOnlyDictionary<string, object> settings) =>
        NodeProcess.Start(CliCommand.For(RepositoryPaths.CliAssembly), workingDirectory, settings);
}
