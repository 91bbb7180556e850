using System.Text.Json.Serialization;

namespace Worcr.Postgres;

/// <summary>The jsonb values the store writes and reads (tag and limit-key lists, checkpoint maps), with contracts made at build time.</summary>
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class PostgresJsonContext : JsonSerializerContext;
