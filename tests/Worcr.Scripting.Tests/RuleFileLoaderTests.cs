namespace Worcr.Scripting.Tests;

public sealed class RuleFileLoaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("worcr-rules-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Header_gives_name_kind_order_and_the_extension_gives_the_language()
    {
        Write("a.lua", "-- worcr-rule: name=alpha kind=limit_key order=-3\nfunction limit_keys(job) return {} end");
        Write("b.js", "// worcr-rule: name=beta kind=retry\nfunction retry() { return false; }");
        Write("README.md", "not a rule");

        var rules = RuleFileLoader.LoadDirectory(_directory);

        Assert.Equal(2, rules.Count);
        Assert.Equal(new RuleSource("alpha", RuleKind.LimitKey, RuleLanguage.Lua, File.ReadAllText(Path.Combine(_directory, "a.lua")), -3), rules[0]);
        Assert.Equal(("beta", RuleKind.Retry, RuleLanguage.JavaScript, 0), (rules[1].Name, rules[1].Kind, rules[1].Language, rules[1].Order));
    }

    [Theory]
    [InlineData("x.lua", "function weight() return 1 end", "the first line must be a header")]
    [InlineData("x.js", "-- worcr-rule: name=x kind=weight\nfunction weight() { return 1; }", "the first line must be a header")]
    [InlineData("x.lua", "-- worcr-rule: kind=weight", "no name=")]
    [InlineData("x.lua", "-- worcr-rule: name=x kind=sideways", "the kind 'sideways' is unknown")]
    [InlineData("x.lua", "-- worcr-rule: name=x kind=weight order=high", "the order 'high' is not a whole number")]
    [InlineData("x.lua", "-- worcr-rule: name=x kind=weight colour=red", "the header key 'colour' is unknown")]
    public void Wrong_or_missing_header_is_an_error_naming_the_file(string file, string content, string expected)
    {
        Write(file, content);

        var error = Assert.Throws<RuleFileException>(() => RuleFileLoader.LoadDirectory(_directory));

        Assert.Equal(Path.Combine(_directory, file), error.FilePath);
        Assert.Contains(file, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Two_files_with_the_same_rule_name_are_refused()
    {
        Write("a.lua", "-- worcr-rule: name=same kind=weight\nfunction weight() return 1 end");
        Write("b.js", "// worcr-rule: name=same kind=weight\nfunction weight() { return 1; }");

        var error = Assert.Throws<RuleFileException>(() => RuleFileLoader.LoadDirectory(_directory));

        Assert.Contains("'same' is already used", error.Message);
    }

    private void Write(string name, string content) => File.WriteAllText(Path.Combine(_directory, name), content);
}
