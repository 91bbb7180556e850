using System.Collections;
using Worcr.Server.Hosting;

namespace Worcr.Server.Tests.Configuration;

/// <summary>How appsettings.json, environment variables and flags become <see cref="NodeOptions"/>.</summary>
public sealed class NodeConfigurationTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"worcr-appsettings-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_file);

    private NodeOptions Load(string json, IDictionary? environment = null, Dictionary<string, string?>? flags = null)
    {
        File.WriteAllText(_file, json);
        return NodeConfiguration.Load(_file, environment ?? new Hashtable(), flags);
    }

    [Fact]
    public void Every_kind_of_setting_binds_from_appsettings()
    {
        var options = Load("""
            {"Worcr": {"PostgresUrl": "postgres://db/worcr", "GrpcPort": 9000, "LeaseDuration": "00:01:00",
              "AllowUnauthenticated": true, "JobTypes": ["a", "b"], "FairnessByJobType": {"import.bulk": "fifo"}, "TlsKeyPath": null}}
            """);

        Assert.Equal("postgres://db/worcr", options.PostgresUrl);
        Assert.Equal(9000, options.GrpcPort);
        Assert.Equal(TimeSpan.FromMinutes(1), options.LeaseDuration);
        Assert.True(options.AllowUnauthenticated);
        Assert.Equal(["a", "b"], options.JobTypes);
        Assert.Equal("fifo", options.FairnessByJobType["import.bulk"]);
        Assert.Null(options.TlsKeyPath);
        Assert.Equal(7080, options.HttpPort);
    }

    [Fact]
    public void Flags_win_over_short_variables_which_win_over_standard_variables_which_win_over_the_file()
    {
        var environment = new Hashtable
        {
            ["Worcr__GrpcPort"] = "7100", ["Worcr__HttpPort"] = "7101", ["Worcr__LeaseDuration"] = "00:00:45",
            ["WORCR_GRPC_PORT"] = "7200", ["WORCR_REDIS"] = "redis://env",
        };
        var options = Load("""{"Worcr": {"GrpcPort": 7000, "HttpPort": 7001, "Schema": "from_file", "RedisUrl": "redis://file"}}""",
            environment, new Dictionary<string, string?> { ["RedisUrl"] = "redis://flag", ["Schema"] = null });

        Assert.Equal(7200, options.GrpcPort);
        Assert.Equal(7101, options.HttpPort);
        Assert.Equal(TimeSpan.FromSeconds(45), options.LeaseDuration);
        Assert.Equal("from_file", options.Schema);
        Assert.Equal("redis://flag", options.RedisUrl);
    }

    [Fact]
    public void Short_variables_keep_their_list_and_map_forms_and_a_list_replaces_the_file_list()
    {
        var environment = new Hashtable
        {
            ["WORCR_JOB_TYPES"] = "x, y", ["WORCR_FAIRNESS_BY_JOB_TYPE"] = "import.bulk=fifo,mail=weighted", ["WORCR_INSECURE"] = "true",
        };
        var options = Load("""{"Worcr": {"JobTypes": ["a", "b", "c"]}}""", environment);

        Assert.Equal(["x", "y"], options.JobTypes);
        Assert.Equal("fifo", options.FairnessByJobType["import.bulk"]);
        Assert.Equal("weighted", options.FairnessByJobType["mail"]);
        Assert.True(options.AllowUnauthenticated);
    }

    [Fact]
    public void Every_short_variable_names_an_existing_setting()
    {
        foreach (var (_, setting) in NodeEnvironmentVariables.Map) Assert.NotNull(typeof(NodeOptions).GetProperty(setting));
    }

    [Fact]
    public void A_value_that_does_not_fit_names_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Load("""{"Worcr": {"GrpcPort": "seventy"}}"""));

        Assert.Contains("Worcr:GrpcPort", error.Message);
    }

    [Fact]
    public void An_unknown_setting_is_an_error_naming_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Load("""{"Worcr": {"LeaseDurration": "00:00:30"}}"""));

        Assert.Contains("LeaseDurration", error.Message);
    }

    [Fact]
    public void A_malformed_map_variable_says_which_forms_are_accepted()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Load("{}", new Hashtable { ["WORCR_FAIRNESS_BY_JOB_TYPE"] = "fifo" }));

        Assert.Contains("FairnessByJobType", error.Message);
        Assert.Contains("name=value", error.Message);
    }

    [Fact]
    public void The_example_settings_file_binds_and_holds_every_setting()
    {
        var example = Path.Combine(RepositoryRoot(), "deploy", "appsettings.example.json");
        var options = NodeConfiguration.Load(example, new Hashtable());

        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(example));
        var listed = document.RootElement.GetProperty("Worcr").EnumerateObject()
            .Concat(document.RootElement.GetProperty("_unsetByDefault").EnumerateObject()).Select(property => property.Name);
        var settings = typeof(NodeOptions).GetProperties().Where(property => property.CanWrite).Select(property => property.Name);

        Assert.Equal(new NodeOptions().LeaseDuration, options.LeaseDuration);
        Assert.Equal(new NodeOptions().SessionLifetime, options.SessionLifetime);
        Assert.Equal(settings.Order(), listed.Order());
    }

    /// <summary>The file says it lists each setting at its default: a default changed in code must change there too.</summary>
    [Fact]
    public void The_example_settings_file_gives_each_setting_its_default()
    {
        var example = Path.Combine(RepositoryRoot(), "deploy", "appsettings.example.json");
        var options = NodeConfiguration.Load(example, new Hashtable());
        var defaults = new NodeOptions();

        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(example));
        var stale = document.RootElement.GetProperty("Worcr").EnumerateObject()
            .Select(setting => typeof(NodeOptions).GetProperty(setting.Name)!)
            .Where(property => Shown(property.GetValue(options)) != Shown(property.GetValue(defaults)))
            .Select(property => $"{property.Name}: {Shown(property.GetValue(options))} in the file, {Shown(property.GetValue(defaults))} in code");

        Assert.Empty(stale);
    }

    private static string Shown(object? value) => value is IEnumerable sequence and not string
        ? "[" + string.Join(", ", sequence.Cast<object>().Select(item => Shown(item))) + "]"
        : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "Worcr.sln"))) directory = directory.Parent!;
        return directory.FullName;
    }
}
