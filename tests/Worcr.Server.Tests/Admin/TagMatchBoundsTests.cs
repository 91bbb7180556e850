using System.Net;
using System.Text.Json;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Admin;

/// <summary>
/// A tag-match rule saved through the admin API was held to its JSON shape and a factor ≥ 0 only: it took a tag no job
/// or worker can carry (so it never matched) and a factor of 1e308 (which a second matching rule's factor turns into
/// +Infinity) or 1e-300 (two of which round to 0, a forbid nobody wrote). Each is now a 400 naming the field.
/// </summary>
public sealed class TagMatchBoundsTests : IClassFixture<AdminNodeFixture>
{
    private readonly AdminClient _admin;

    public TagMatchBoundsTests(AdminNodeFixture fixture) => _admin = fixture.Admin;

    public static TheoryData<string, string, string> UnmatchableOrUnbounded => new()
    {
        { "a job tag of 101 characters", $$"""{"job_all":["{{new string('j', 101)}}"],"action":"forbid"}""", "tag_match.job_all[0]" },
        { "33 job tags", $$"""{"job_any":[{{string.Join(",", Enumerable.Range(0, 33).Select(i => $"\"t{i}\""))}}],"action":"forbid"}""", "tag_match.job_any" },
        { "a job tag with a space", """{"job_none":["gold tier"],"action":"forbid"}""", "tag_match.job_none[0]" },
        { "an empty worker tag", """{"worker_all":[""],"action":"forbid"}""", "tag_match.worker_all[0]" },
        { "a worker tag with a NUL", """{"worker_any":["gpu\u0000"],"action":"forbid"}""", "tag_match.worker_any[0]" },
        { "a worker tag ending in a space", """{"worker_none":["gpu "],"action":"forbid"}""", "tag_match.worker_none[0]" },
        { "33 worker tags", $$"""{"worker_all":[{{string.Join(",", Enumerable.Range(0, 33).Select(i => $"\"w{i}\""))}}],"action":"require"}""", "tag_match.worker_all" },
        { "a factor of 1e308", """{"job_all":["a"],"action":"multiply","factor":1e308}""", "tag_match.factor" },
        { "a factor of 1e-300", """{"job_all":["a"],"action":"multiply","factor":1e-300}""", "tag_match.factor" },
        { "a factor just over the top", """{"job_all":["a"],"action":"multiply","factor":1000000.5}""", "tag_match.factor" },
        { "a negative factor (refused before too)", """{"job_all":["a"],"action":"multiply","factor":-1}""", "factor" },
        { "a factor past a double (refused before too)", """{"job_all":["a"],"action":"multiply","factor":1e309}""", "factor" },
    };

    [Theory]
    [MemberData(nameof(UnmatchableOrUnbounded))]
    public async Task A_tag_match_rule_with_a_tag_nothing_carries_or_a_factor_out_of_range_gets_400_naming_the_field(string what, string definition, string field)
    {
        using var response = await _admin.PutAsync("/api/rules/tm-bounds", new { kind = "weight", language = "tag_match", code = definition });
        var body = await AdminClient.ReadAsync(response);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {response.StatusCode} {body}");
        Assert.Contains(field, body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Null(await _admin.FindRuleAsync("tm-bounds"));
    }

    [Fact]
    public async Task A_rule_out_of_bounds_may_be_saved_switched_off_and_is_checked_again_when_switched_on()
    {
        // A rule stored before the bounds existed: the GUI switches it off with a full PUT of what it holds.
        const string definition = """{"job_all":["a"],"action":"multiply","factor":1e308}""";
        using var off = await _admin.PutAsync("/api/rules/tm-legacy", new { kind = "weight", language = "tag_match", code = definition, enabled = false });
        using var on = await _admin.PutAsync("/api/rules/tm-legacy", new { kind = "weight", language = "tag_match", code = definition, enabled = true });

        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, on.StatusCode);
        Assert.Contains("tag_match.factor", (await AdminClient.ReadAsync(on)).GetProperty("error").GetString(), StringComparison.Ordinal);
        using var _ = await _admin.DeleteAsync("/api/rules/tm-legacy");
    }

    public static TheoryData<string, string> AtTheBounds => new()
    {
        { "top-factor", """{"job_all":["a"],"action":"multiply","factor":1000000}""" },
        { "smallest-factor", """{"job_all":["a"],"action":"multiply","factor":0.000001}""" },
        { "factor-0", """{"job_all":["a"],"action":"multiply","factor":0}""" },
        { "worker-only-tag", """{"worker_all":["pool/gpu"],"action":"forbid"}""" },
        { "32-longest-job-tags", $$"""{"job_all":[{{string.Join(",", Enumerable.Range(0, 32).Select(i => $"\"{i:00}{new string('j', 98)}\""))}}],"action":"forbid"}""" },
    };

    [Theory]
    [MemberData(nameof(AtTheBounds))]
    public async Task A_tag_match_rule_at_the_bounds_is_saved(string what, string definition)
    {
        using var response = await _admin.PutAsync($"/api/rules/tm-ok-{what}", new { kind = "weight", language = "tag_match", code = definition });

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{what}: {response.StatusCode} {await AdminClient.ReadAsync(response)}");
    }
}
