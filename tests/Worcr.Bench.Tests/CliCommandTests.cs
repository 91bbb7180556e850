using Worcr.LocalServices;

namespace Worcr.Bench.Tests;

/// <summary>How the bench and the fault tests start a worcr child: under the dotnet host for an assembly, as itself for an executable.</summary>
public sealed class CliCommandTests
{
    [Fact]
    public void An_assembly_runs_under_the_dotnet_host_with_the_assembly_as_its_first_argument()
    {
        var command = CliCommand.For("/opt/worcr/worcr.dll");

        Assert.Equal("dotnet", Path.GetFileNameWithoutExtension(command.FileName));
        Assert.Equal(["/opt/worcr/worcr.dll", "serve", "--insecure"], command.StartInfo("serve", "--insecure").ArgumentList);
    }

    [Fact]
    public void An_executable_such_as_a_Native_AOT_build_runs_as_itself()
    {
        var command = CliCommand.For("/opt/worcr/worcr");

        Assert.Equal("/opt/worcr/worcr", command.StartInfo("serve").FileName);
        Assert.Equal(["serve"], command.StartInfo("serve").ArgumentList);
    }

    [Fact]
    public void A_test_host_starts_the_worcr_assembly_built_beside_it()
    {
        var command = CliCommand.Current();

        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "worcr.dll"), Assert.Single(command.LeadingArguments));
        Assert.True(File.Exists(command.LeadingArguments[0]));
    }
}
