using System.Diagnostics;

namespace Worcr.Gui.Tests;

/// <summary>
/// Runs one browser scenario, `node tests/gui/NAME.mjs`, against a node. Chromium and Node.js are required: when
/// either is missing the test fails saying what to install (`./worcr test` installs both), it is never skipped.
/// </summary>
internal static class GuiScript
{
    public static string Chromium { get; } = Environment.GetEnvironmentVariable("WORCR_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static string ScriptsDirectory { get; } = Path.Combine(FindRoot(), "tests", "gui");

    public static string RepositoryRoot => Path.GetDirectoryName(Path.GetDirectoryName(ScriptsDirectory))!;

    private static readonly SemaphoreSlim PackagesOnce = new(1, 1);

    public static async Task<ScriptResult> RunAsync(string scenario, Uri url, string password, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(Chromium)) Assert.Fail($"Chromium is missing at {Chromium}: the GUI tests need Debian's browser (apt-get install chromium; `./worcr test` installs it as root), or WORCR_CHROMIUM set to a Chromium binary.");
        var node = FindOnPath("node") ?? throw new InvalidOperationException("node is not on PATH: the GUI tests need Node.js (apt-get install nodejs npm).");
        await EnsurePackagesAsync();

        var start = new ProcessStartInfo(node) { WorkingDirectory = ScriptsDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(scenario + ".mjs");
        start.Environment["WORCR_URL"] = url.ToString();
        start.Environment["WORCR_PASSWORD"] = password;
        start.Environment["WORCR_CHROMIUM"] = Chromium;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"Scenario {scenario} did not finish within 3 minutes:\n{await output}\n{await errors}");
        }
        return new ScriptResult(process.ExitCode, await output, await errors);
    }

    private static async Task EnsurePackagesAsync()
    {
        await PackagesOnce.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(ScriptsDirectory, "node_modules", "playwright-core"))) return;
            var npm = FindOnPath("npm") ?? throw new InvalidOperationException("tests/gui/node_modules is missing and npm is not on PATH to install it.");
            var start = new ProcessStartInfo(npm) { WorkingDirectory = ScriptsDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "ci", "--no-audit", "--no-fund" }) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
            if (process.ExitCode != 0) throw new InvalidOperationException($"npm ci in tests/gui failed ({process.ExitCode}):\n{await output}\n{await errors}");
        }
        finally
        {
            PackagesOnce.Release();
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Worcr.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException("Worcr.sln not found above " + AppContext.BaseDirectory);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
