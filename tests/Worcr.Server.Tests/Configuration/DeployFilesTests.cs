using System.Diagnostics;
using System.Text.RegularExpressions;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Configuration;

/// <summary>
/// The compose and Kubernetes files take every secret from a secret: no value is written in them, no placeholder
/// can be deployed, and the node reads each through its WORCR_*_FILE variable.
/// </summary>
public sealed partial class DeployFilesTests
{
    private static readonly string Deploy = Path.Combine(RepositoryPaths.Root, "deploy");
    private static readonly string[] SecretVariables = ["WORCR_POSTGRES", "WORCR_REDIS", "WORCR_API_KEY", "WORCR_WORKER_TOKEN", "WORCR_ADMIN_PASSWORD"];

    [Theory]
    [InlineData("docker-compose.yml")]
    [InlineData("kubernetes/worcr.yaml")]
    public void No_secret_value_or_placeholder_is_written_in_a_deploy_file(string file)
    {
        var text = File.ReadAllText(Path.Combine(Deploy, file));

        Assert.DoesNotContain("CHANGE-ME", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(InlineSecret(), text);
        Assert.DoesNotMatch(UrlWithPassword(), text.Split('\n').Where(line => !line.TrimStart().StartsWith('#')).Aggregate("", (a, b) => a + b + "\n"));
        foreach (var variable in SecretVariables) Assert.Contains(variable + "_FILE", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_compose_secret_file_is_made_by_the_script_and_every_file_variable_names_a_mounted_secret()
    {
        var compose = File.ReadAllText(Path.Combine(Deploy, "docker-compose.yml"));
        var declared = SecretFile().Matches(compose).Select(m => m.Groups[1].Value).ToHashSet();
        var read = FileVariable().Matches(compose).Select(m => m.Groups[1].Value).ToHashSet();
        var directory = Path.Combine(Path.GetTempPath(), $"worcr-deploy-secrets-{Guid.NewGuid():N}");
        try
        {
            using var script = Process.Start(new ProcessStartInfo("sh", [Path.Combine(Deploy, "make-secrets.sh"), directory]) { RedirectStandardOutput = true })!;
            script.StandardOutput.ReadToEnd();
            script.WaitForExit();
            Assert.Equal(0, script.ExitCode);

            Assert.NotEmpty(declared);
            Assert.All(declared, name => Assert.True(File.Exists(Path.Combine(directory, name)), $"make-secrets.sh does not make {name}."));
            Assert.All(read, name => Assert.Contains(name, declared));
            Assert.Contains(File.ReadAllText(Path.Combine(directory, "postgres_password")).Trim(), File.ReadAllText(Path.Combine(directory, "postgres_url")), StringComparison.Ordinal);
            Assert.NotEqual(File.ReadAllText(Path.Combine(directory, "api_key")), File.ReadAllText(Path.Combine(directory, "worker_token")));
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A secret variable with a value of its own (compose "NAME: value", Kubernetes "name: NAME" without _FILE), or a literal password.</summary>
    [GeneratedRegex(@"(WORCR_(POSTGRES|REDIS|API_KEY|WORKER_TOKEN|ADMIN_PASSWORD|READ_ONLY_PASSWORD)\s*[:=]|name:\s*WORCR_(POSTGRES|REDIS|API_KEY|WORKER_TOKEN|ADMIN_PASSWORD|READ_ONLY_PASSWORD)\s*$|POSTGRES_PASSWORD\s*:|requirepass\s+[A-Za-z0-9])", RegexOptions.Multiline)]
    private static partial Regex InlineSecret();

    [GeneratedRegex(@"[a-z]+://[^/\s:@]*:[^@\s/$]+@")]
    private static partial Regex UrlWithPassword();

    [GeneratedRegex(@"file:\s*\./secrets/(\w+)")]
    private static partial Regex SecretFile();

    [GeneratedRegex(@"_FILE:\s*/run/secrets/(\w+)")]
    private static partial Regex FileVariable();
}
