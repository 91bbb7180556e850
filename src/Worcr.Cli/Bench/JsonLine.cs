using System.Text;
using System.Text.Json;

namespace Worcr.Cli.Bench;

/// <summary>One benchmark result line: JSON fields in the order they were added, numbers rounded for reading.</summary>
internal sealed class JsonLine
{
    private readonly List<(string Name, object Value)> _fields = [];

    public IReadOnlyList<(string Name, object Value)> Fields => _fields;

    public JsonLine Add(string name, object value)
    {
        _fields.Add((name, value));
        return this;
    }

    public override string ToString()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in _fields) WriteField(writer, name, value);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteField(Utf8JsonWriter writer, string name, object value)
    {
        switch (value)
        {
            case string text: writer.WriteString(name, text); break;
            case int number: writer.WriteNumber(name, number); break;
            case long number: writer.WriteNumber(name, number); break;
            case double number when !double.IsFinite(number): writer.WriteNull(name); break; // e.g. no batches to time
            case double number: writer.WriteNumber(name, Math.Round(number, 3)); break;
            case bool flag: writer.WriteBoolean(name, flag); break;
            case JsonLine nested:
                writer.WritePropertyName(name);
                writer.WriteRawValue(nested.ToString());
                break;
            default: throw new ArgumentException($"Field {name} has an unsupported type {value.GetType().Name}.", nameof(value));
        }
    }
}
