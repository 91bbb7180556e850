namespace Worcr.Admin;

/// <summary>A request body read as <typeparamref name="T"/>, or why it could not be.</summary>
internal sealed record Parsed<T>(T? Value, string? Error) where T : class
{
    public static Parsed<T> Read(T value) => new(value, null);

    public static Parsed<T> Failed(string error) => new(null, error);
}
