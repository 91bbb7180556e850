namespace Worcr.Server.Tests.Infrastructure;

/// <summary>Finds files of the repository (examples, proto) from the test's output folder.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>"Release" or "Debug": the configuration the tests were built in, so examples are taken from the same build.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string DotnetExampleWorker => Path.Combine(Root, "examples", "dotnet-worker", "bin", Configuration, "net10.0", "DotnetWorker.dll");

    /// <summary>The `worcr` command as Worcr.sln builds it (the test project must not reference the CLI).</summary>
    public static string CliAssembly => Path.Combine(Root, "src", "Worcr.Cli", "bin", Configuration, "net10.0", "worcr.dll");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Worcr.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException("Worcr.sln not found above " + AppContext.BaseDirectory);
    }
}
