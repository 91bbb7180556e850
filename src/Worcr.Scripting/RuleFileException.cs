namespace Worcr.Scripting;

/// <summary>A rule file that cannot be read as a rule (missing or wrong header, duplicate name); the message names the file.</summary>
public sealed class RuleFileException(string filePath, string message) : Exception(message)
{
    public string FilePath { get; } = filePath;
}
