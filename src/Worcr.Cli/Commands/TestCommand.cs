using System.CommandLine;

namespace Worcr.Cli.Commands;

/// <summary>`worcr test` is handled by the ./worcr script (it installs what tests need first); this explains that.</summary>
internal static class TestCommand
{
    public static Command Create()
    {
        var command = new Command("test", "Run the whole test suite. Use the ./worcr script at the repository root, which installs redis-server, PostgreSQL and npm packages when missing.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("Run the test suite from the repository root with: ./worcr test");
            return 2;
        });
        return command;
    }
}
