namespace Worcr.Gui.Tests;

/// <summary>The GUI tests share one node and worker, and run one after the other (one browser at a time).</summary>
[CollectionDefinition(Name)]
public sealed class GuiCollection : ICollectionFixture<GuiNodeFixture>
{
    public const string Name = "gui";
}
