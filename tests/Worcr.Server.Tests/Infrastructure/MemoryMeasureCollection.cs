namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// Tests that measure the managed memory the test process keeps (the nodes of a <see cref="TestCluster"/> run in it)
/// run alone: what tests running beside them allocate would be measured too.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasureCollection
{
    public const string Name = "Measures the process's memory";
}
