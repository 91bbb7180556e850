using Microsoft.Extensions.Logging;
using Worcr.Postgres;
using Worcr.Server.Dispatch;
using Worcr.Server.Rules;
using Worcr.Server.Services;

namespace Worcr.Server.Hosting;

/// <summary>The parts of a running node that its gRPC services call.</summary>
internal sealed record NodeServices(
    NodeOptions Options,
    JobStore Store,
    Dispatcher Dispatcher,
    CompletionBatcher Completions,
    ReportWriter Reports,
    JobTypeRegistry JobTypes,
    Authenticator Authenticator,
    RuleCatalog Rules,
    ILogger Logger,
    CancellationToken Draining);
