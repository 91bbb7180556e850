using Worcr.Worker.Internal;

namespace Worcr.Worker.Hosting;

/// <summary>The handlers registered through <see cref="WorcrWorkerBuilder"/>, each made once the container exists.</summary>
internal sealed class HandlerRegistry
{
    private readonly Dictionary<string, Func<IServiceProvider, JobHandler>> _handlers = new(StringComparer.Ordinal);

    public IEnumerable<KeyValuePair<string, Func<IServiceProvider, JobHandler>>> Handlers => _handlers;

    public void Add(string jobType, Func<IServiceProvider, JobHandler> create)
    {
        JobTypeArgument.Check(jobType, nameof(WorcrWorkerBuilder.AddHandler));
        if (!_handlers.TryAdd(jobType, create))
        {
            throw new ArgumentException($"A handler for job type '{jobType}' is already registered.", nameof(jobType));
        }
    }

    public WorcrWorker RegisterAll(WorcrWorker worker, IServiceProvider services)
    {
        foreach (var (jobType, create) in _handlers)
        {
            worker.Handle(jobType, create(services));
        }

        return worker;
    }
}
