using System.Reflection;
using Worcr.Admin;

namespace Worcr.Server.Tests.Admin;

/// <summary>
/// The admin API's JSON contracts are made at build time (AdminJsonContext): a body or answer type left out of it
/// would fail its endpoint with NotSupportedException. Every *View and *Input type of the admin API must have one.
/// </summary>
public sealed class AdminJsonContractTests
{
    public static TheoryData<string> ShapeNames()
    {
        var data = new TheoryData<string>();
        foreach (var type in Shapes()) data.Add(type.FullName!);
        return data;
    }

    [Theory]
    [MemberData(nameof(ShapeNames))]
    public void Every_view_and_input_of_the_admin_API_has_a_contract_made_at_build_time(string typeName)
    {
        var type = Shapes().Single(t => t.FullName == typeName);

        var contract = AdminJson.Options.GetTypeInfo(type);

        Assert.Equal(type, contract.Type);
    }

    [Fact]
    public void The_admin_API_reads_its_bodies_with_the_servers_shapes_too() =>
        Assert.All([typeof(Worcr.Server.Limits.LimitInput), typeof(Worcr.Server.Maintenance.CronScheduleInput)],
            type => Assert.Equal(type, AdminJson.Options.GetTypeInfo(type).Type));

    private static IEnumerable<Type> Shapes() => typeof(AdminJson).Assembly.GetTypes()
        .Where(t => t.Namespace == "Worcr.Admin" && t is { IsClass: true, IsAbstract: false, IsNested: false } && (t.Name.EndsWith("View", StringComparison.Ordinal) || t.Name.EndsWith("Input", StringComparison.Ordinal)));
}
