namespace Worcr.Server.Tests.Infrastructure;

/// <summary>A fact that is skipped, saying why, when Node.js is not installed; everywhere else it runs.</summary>
internal sealed class NodeJsFactAttribute : FactAttribute
{
    public NodeJsFactAttribute()
    {
        if (NodeJs.Executable is null) Skip = "node is not on PATH: install Node.js (Debian package nodejs) to run the Node.js example worker against the node.";
    }
}
