using System.Text.Json.Serialization;
using Worcr.Server.Limits;
using Worcr.Server.Maintenance;
using Worcr.Server.Rules;

namespace Worcr.Server;

/// <summary>
/// The JSON contracts of the files and settings the node reads (rules/limits.json, schedules.json, tag-match rules,
/// map settings), made at build time: no reflection at start-up, and the node stays trimmable. Each reader brings
/// its own options (naming, comments); this context only supplies the contracts.
/// </summary>
[JsonSerializable(typeof(LimitInput[]))]
[JsonSerializable(typeof(List<CronScheduleInput>))]
[JsonSerializable(typeof(TagMatchDefinition))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class ServerJsonContext : JsonSerializerContext;
