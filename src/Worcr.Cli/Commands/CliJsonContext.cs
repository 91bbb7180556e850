using System.Text.Json;
using System.Text.Json.Serialization;

namespace Worcr.Cli.Commands;

/// <summary>
/// The CLI's JSON: objects built as dictionaries (a job printed by `worcr job`, a request body), whose values may be
/// any of the types listed here. Contracts are made at build time, so the CLI runs trimmed and as Native AOT.
/// </summary>
[JsonSerializable(typeof(Dictionary<string, object?>))]
[JsonSerializable(typeof(Dictionary<string, object?>[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(DateTimeOffset))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
