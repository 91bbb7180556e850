using System.Globalization;

namespace Worcr.Scripting.Internal;

/// <summary>Parses the <c>worcr-rule:</c> header from a rule file's leading comment lines.</summary>
internal sealed record RuleFileHeader(string Name, RuleKind Kind, int Order)
{
    private const string Marker = "worcr-rule:";

    public static RuleFileHeader Parse(string file, string code, RuleLanguage language)
    {
        var comment = language == RuleLanguage.Lua ? "--" : "//";
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in LeadingComments(code, comment))
        {
            var text = line[comment.Length..].Trim();
            if (text.StartsWith(Marker, StringComparison.Ordinal))
            {
                AddFields(file, text[Marker.Length..], fields);
            }
        }

        if (fields.Count == 0)
        {
            throw Fail(file, $"the first line must be a header such as '{comment} worcr-rule: name=my-rule kind=weight order=10'");
        }

        return new RuleFileHeader(Require(file, fields, "name"), ParseKind(file, Require(file, fields, "kind")), ParseOrder(file, fields));
    }

    private static IEnumerable<string> LeadingComments(string code, string comment) =>
        code.Split('\n')
            .Select(line => line.Trim())
            .SkipWhile(line => line.Length == 0)
            .TakeWhile(line => line.StartsWith(comment, StringComparison.Ordinal));

    private static void AddFields(string file, string text, Dictionary<string, string> fields)
    {
        foreach (var pair in text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0 || equals == pair.Length - 1)
            {
                throw Fail(file, $"the header entry '{pair}' is not of the form key=value");
            }

            var key = pair[..equals];
            if (key is not ("name" or "kind" or "order"))
            {
                throw Fail(file, $"the header key '{key}' is unknown (expected name, kind, order)");
            }

            fields[key] = pair[(equals + 1)..];
        }
    }

    private static string Require(string file, Dictionary<string, string> fields, string key) =>
        fields.TryGetValue(key, out var value) ? value : throw Fail(file, $"the header has no {key}=...");

    private static RuleKind ParseKind(string file, string kind) => kind.ToLowerInvariant() switch
    {
        "weight" => RuleKind.Weight,
        "enqueue" => RuleKind.Enqueue,
        "retry" => RuleKind.Retry,
        "limit_key" or "limit-key" or "limitkey" => RuleKind.LimitKey,
        _ => throw Fail(file, $"the kind '{kind}' is unknown (expected weight, enqueue, retry or limit_key)"),
    };

    private static int ParseOrder(string file, Dictionary<string, string> fields)
    {
        if (!fields.TryGetValue("order", out var text))
        {
            return 0;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var order)
            ? order
            : throw Fail(file, $"the order '{text}' is not a whole number");
    }

    private static RuleFileException Fail(string file, string problem) => new(file, $"{file}: {problem}.");
}
