namespace Worcr.Server.Tests.Infrastructure;

/// <summary>A temporary rules folder for one test, filled with shipped examples from rules/ or with inline rules.</summary>
internal sealed class RuleFiles : IDisposable
{
    public RuleFiles() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"worcr-rules-{Guid.NewGuid():N}");

    /// <summary>Copies a shipped example rule (a file name in the repository's rules/ folder).</summary>
    public RuleFiles WithExample(string fileName)
    {
        File.Copy(System.IO.Path.Combine(RepositoryPaths.Root, "rules", fileName), System.IO.Path.Combine(Path, fileName));
        return this;
    }

    public RuleFiles With(string fileName, string code)
    {
        File.WriteAllText(System.IO.Path.Combine(Path, fileName), code);
        return this;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
