using Worcr.Worker;

namespace Worcr.Server.Tests.WorkerSdk;

/// <summary>A worker's other addresses are checked like its first: a wrong one is named when the worker is made.</summary>
public sealed class WorkerOptionsAddressTests
{
    [Fact]
    public void An_other_address_that_is_not_http_is_refused_naming_the_setting()
    {
        var options = new WorkerOptions { Address = new Uri("http://127.0.0.1:7070"), OtherAddresses = [new Uri("ftp://127.0.0.1:7071")] };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains(nameof(WorkerOptions.OtherAddresses), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_http_addresses_are_accepted()
    {
        var options = new WorkerOptions { Address = new Uri("http://127.0.0.1:7070"), OtherAddresses = [new Uri("https://node-2:7070")] };

        Assert.Null(Record.Exception(options.Validate));
    }
}
