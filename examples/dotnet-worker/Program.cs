using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Worcr.Worker;

// A worker on the Generic Host with three handlers. Ctrl+C (or SIGTERM) stops the host, and the worker leaves
// gracefully: running jobs get WorkerOptions.ShutdownGrace to finish, the rest are handed back.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddWorcrWorker(options =>
    {
        options.Address = new Uri(builder.Configuration["WORCR_GRPC"] ?? "http://127.0.0.1:7070");
        options.Token = builder.Configuration["WORCR_WORKER_TOKEN"];
        options.Tags = ["example", "dotnet"];
        options.Concurrency = 4;
    })
    // Returns its args unchanged as the job's result.
    .AddHandler<JsonElement>("demo.echo", (args, job, ct) =>
    {
        job.Log("info", $"echo {job.ArgsJson}");
        return Task.FromResult(JobResult.Complete(args));
    })
    .AddHandler<CountHandler, CountArgs>("demo.count")
    .AddHandler<DigestHandler, DigestArgs>("demo.digest");

await builder.Build().RunAsync();
