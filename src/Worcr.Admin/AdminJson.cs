using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Worcr.Core.Input;

namespace Worcr.Admin;

/// <summary>The admin API's JSON: snake_case names both ways, strict numbers, errors as {"error": ..., "line": ...}.</summary>
internal static class AdminJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // Answers are application/json, never HTML: keep quotes and '<' readable in rule code and errors for curl users.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // Contracts made at build time; a shape not listed there throws NotSupportedException.
        TypeInfoResolver = AdminJsonContext.Default,
    };

    /// <summary>The contract of <typeparamref name="T"/> under <see cref="Options"/>.</summary>
    public static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    public static IResult Ok<T>(T value) => Results.Json(value, TypeInfo<T>());

    /// <summary><paramref name="value"/> as the body of an answer with <paramref name="status"/>.</summary>
    public static IResult Status<T>(int status, T value) => Results.Json(value, TypeInfo<T>(), statusCode: status);

    public static IResult Error(int status, string message, int? line = null) => Status(status, new ErrorView(message, line));

    /// <summary>Reads the request body as <typeparamref name="T"/>; the error names the field that could not be read.</summary>
    public static async Task<Parsed<T>> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken) where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync(request.Body, TypeInfo<T>(), cancellationToken);
            return value is null ? Parsed<T>.Failed("The request body must be a JSON object.") : Parsed<T>.Read(value);
        }
        catch (JsonException exception)
        {
            return Parsed<T>.Failed(Describe(exception));
        }
    }

    private static string Describe(JsonException exception)
    {
        var field = exception.Path is null or "$" ? null : exception.Path.TrimStart('$', '.');
        var line = (exception.LineNumber ?? 0) + 1;
        return field is null
            ? $"The request body is not valid JSON (line {line}): {FirstSentence(exception.Message)}"
            : $"Field {TextCheck.Quote(field)} has a value of the wrong type or is not valid JSON (line {line}): {FirstSentence(exception.Message)}";
    }

    /// <summary>System.Text.Json appends "Path: ... | LineNumber: ..." to its messages; the caller already says both.</summary>
    private static string FirstSentence(string message)
    {
        var path = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return path < 0 ? message : message[..path];
    }
}
