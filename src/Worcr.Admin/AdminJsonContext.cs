using System.Text.Json;
using System.Text.Json.Serialization;
using Worcr.Server.Limits;
using Worcr.Server.Maintenance;

namespace Worcr.Admin;

/// <summary>
/// Every shape the admin API reads or writes, with its JSON contract made at build time: no reflection when the
/// node starts or answers, and the node stays trimmable. A type missing here fails its endpoint with
/// NotSupportedException in the admin tests, not in production.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
// Bodies read
[JsonSerializable(typeof(RuleInput))]
[JsonSerializable(typeof(ExplainInput))]
[JsonSerializable(typeof(DryRunInput))]
[JsonSerializable(typeof(TenantInput))]
[JsonSerializable(typeof(PlanInput))]
[JsonSerializable(typeof(TenantKeyInput))]
[JsonSerializable(typeof(JobTypeInput))]
[JsonSerializable(typeof(WebhookInput))]
[JsonSerializable(typeof(SignInInput))]
[JsonSerializable(typeof(LimitInput))]
[JsonSerializable(typeof(CronScheduleInput))]
// Answers
[JsonSerializable(typeof(ErrorView))]
[JsonSerializable(typeof(ValidationView))]
[JsonSerializable(typeof(SessionView))]
[JsonSerializable(typeof(RuleView))]
[JsonSerializable(typeof(RuleListView))]
[JsonSerializable(typeof(ExplainView))]
[JsonSerializable(typeof(DryRunView))]
[JsonSerializable(typeof(TenantView))]
[JsonSerializable(typeof(TenantListView))]
[JsonSerializable(typeof(PlanView))]
[JsonSerializable(typeof(TenantKeyView))]
[JsonSerializable(typeof(TenantKeyListView))]
[JsonSerializable(typeof(CreatedTenantKeyView))]
[JsonSerializable(typeof(LimitView))]
[JsonSerializable(typeof(LimitListView))]
[JsonSerializable(typeof(JobTypeView))]
[JsonSerializable(typeof(JobTypeListView))]
[JsonSerializable(typeof(JobSummaryView))]
[JsonSerializable(typeof(JobPageView))]
[JsonSerializable(typeof(JobDetailView))]
[JsonSerializable(typeof(CancelView))]
[JsonSerializable(typeof(CronScheduleView))]
[JsonSerializable(typeof(CronListView))]
[JsonSerializable(typeof(WebhookView))]
[JsonSerializable(typeof(WebhookListView))]
[JsonSerializable(typeof(WebhookDeliveriesView))]
[JsonSerializable(typeof(WorkerListView))]
[JsonSerializable(typeof(NodeListView))]
[JsonSerializable(typeof(DrainView))]
[JsonSerializable(typeof(OverviewView))]
// Events of a job's stream
[JsonSerializable(typeof(StateEventView))]
[JsonSerializable(typeof(ProgressView))]
[JsonSerializable(typeof(CheckpointEventView))]
[JsonSerializable(typeof(LogEventView))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
