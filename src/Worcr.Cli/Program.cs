using System.CommandLine;
using Worcr.Cli.Commands;
using Worcr.Cli.Hosting;

// JavaScript rules use .NET regular expressions; cap them before any Regex exists (the setting is read once per process).
AppContext.SetData("REGEX_DEFAULT_MATCH_TIMEOUT", TimeSpan.FromMilliseconds(250));

// Freed native memory goes back to the system instead of staying in malloc's arenas (the node's RSS; NativeHeap).
NativeHeap.ReturnLargeBlocksWhenFreed();

var root = new RootCommand("Worcr: a smart job dispatcher for dumb workers.")
{
    DevCommand.Create(),
    ServeCommand.Create(),
    MigrateCommand.Create(),
    EnqueueCommand.Create(),
    JobCommand.Create(),
    TestCommand.Create(),
    RulesCommand.Create(),
    BenchCommand.Create(),
    BenchCommand.CreateWorker(),
    ChaosCommands.Worker(),
};
return await root.Parse(args).InvokeAsync();
