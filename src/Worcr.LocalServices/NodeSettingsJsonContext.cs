using System.Text.Json.Serialization;

namespace Worcr.LocalServices;

/// <summary>The appsettings.json a <see cref="NodeProcess"/> is given: one section of settings whose values are any of the types listed.</summary>
[JsonSerializable(typeof(Dictionary<string, IReadOnlyDictionary<string, object>>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(bool))]
internal sealed partial class NodeSettingsJsonContext : JsonSerializerContext;
