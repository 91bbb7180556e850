using System.CommandLine;
using Worcr.Cli.Commands;

var root = new RootCommand("Worcr: a smart job dispatcher for dumb workers.")
{
    DevCommand.Create(),
    ServeCommand.Create(),
    MigrateCommand.Create(),
    EnqueueCommand.Create(),
    JobCommand.Create(),
    TestCommand.Create(),
    BenchCommand.Create(),
    BenchCommand.CreateWorker(),
};
return await root.Parse(args).InvokeAsync();
