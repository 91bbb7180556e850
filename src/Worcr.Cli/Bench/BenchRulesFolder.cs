namespace Worcr.Cli.Bench;

/// <summary>A temporary rules folder holding the first N <see cref="BenchWeightRules"/> files, deleted on dispose.</summary>
internal sealed class BenchRulesFolder : IDisposable
{
    private BenchRulesFolder(string path) => Path = path;

    public string Path { get; }

    public static BenchRulesFolder Create(int ruleCount)
    {
        if (ruleCount is < 1 or > BenchWeightRules.Max)
        {
            throw new ArgumentOutOfRangeException(nameof(ruleCount), ruleCount, $"--weight-rules must be between 0 and {BenchWeightRules.Max}.");
        }
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"worcr-bench-rules-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        foreach (var (fileName, text) in BenchWeightRules.Files.Take(ruleCount)) File.WriteAllText(System.IO.Path.Combine(path, fileName), text);
        return new BenchRulesFolder(path);
    }

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
