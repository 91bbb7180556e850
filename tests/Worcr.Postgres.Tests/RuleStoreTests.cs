namespace Worcr.Postgres.Tests;

/// <summary>Database rules: the versions a rule's name goes through, and which of them retention keeps.</summary>
public sealed class RuleStoreTests
{
    [Fact]
    public async Task A_deleted_rule_can_be_saved_again_under_its_name_and_its_versions_go_on_after_the_deletion()
    {
        await using var db = await TestDatabase.CreateAsync();
        var rules = db.Database.Rules;
        await rules.SaveAsync("boost", "weight", "lua", "return 2", 0, true);
        Assert.True(await rules.DeleteAsync("boost"));

        var again = await rules.SaveAsync("boost", "weight", "lua", "return 3", 0, true);

        Assert.Equal("return 3", again.Code);
        Assert.Equal(3, again.Version); // 1 saved, 2 its deletion
        Assert.Equal(again, await rules.GetAsync("boost"));
        Assert.Equal("1:f,2:t,3:f", await db.ScalarAsync(
            "SELECT string_agg(version || ':' || left(deleted::text, 1), ',' ORDER BY version) FROM __schema__.rule_versions WHERE name = 'boost'"));
    }

    [Fact]
    public async Task A_rule_saved_again_after_its_old_versions_were_pruned_numbers_after_the_kept_ones_and_stays_kept()
    {
        await using var db = await TestDatabase.CreateAsync();
        var rules = db.Database.Rules;
        await rules.SaveAsync("boost", "weight", "lua", "return 2", 0, true);
        await rules.SaveAsync("boost", "weight", "lua", "return 3", 0, true);
        Assert.True(await rules.DeleteAsync("boost"));                           // version 3: the deletion
        await db.Database.Retention.DeleteOldRuleVersionsAsync(1, 1000);         // keeps version 3 only

        var live = await rules.SaveAsync("boost", "weight", "lua", "return 4", 0, true);
        await db.Database.Retention.DeleteOldRuleVersionsAsync(1, 1000);

        Assert.Equal(4, live.Version);
        Assert.Equal("return 4", await db.ScalarAsync("SELECT code FROM __schema__.rule_versions WHERE name = 'boost' AND version = 4"));
    }

    [Fact]
    public async Task Pruning_never_deletes_the_live_version_even_below_versions_an_earlier_life_of_its_name_left()
    {
        // What a rule re-created before versions went on after a deletion looks like: live as version 1, while its
        // earlier life's deletion is kept as version 3.
        await using var db = await TestDatabase.CreateAsync();
        await db.ScalarAsync("""
            INSERT INTO __schema__.rules (name, kind, language, code, version) VALUES ('boost', 'weight', 'lua', 'return 4', 1);
            INSERT INTO __schema__.rule_versions (name, version, kind, language, code, rule_order, enabled, deleted)
            VALUES ('boost', 1, 'weight', 'lua', 'return 4', 0, true, false), ('boost', 3, 'weight', 'lua', 'return 3', 0, true, true)
            """);

        Assert.Equal(0, await db.Database.Retention.DeleteOldRuleVersionsAsync(1, 1000));
        Assert.Equal("return 4", await db.ScalarAsync("SELECT code FROM __schema__.rule_versions WHERE name = 'boost' AND version = 1"));
        // Its next save and deletion number after both.
        Assert.Equal(4, (await db.Database.Rules.SaveAsync("boost", "weight", "lua", "return 5", 0, true)).Version);
        Assert.True(await db.Database.Rules.DeleteAsync("boost"));
        Assert.Equal(5, await db.ScalarAsync("SELECT max(version) FROM __schema__.rule_versions WHERE name = 'boost' AND deleted"));
    }

    [Fact]
    public async Task Saves_and_deletes_of_one_name_at_the_same_time_all_succeed_and_number_its_versions_one_by_one()
    {
        await using var db = await TestDatabase.CreateAsync();
        var rules = db.Database.Rules;
        var changes = 0;

        // Writers racing one another: each save and each delete that found the rule is one version.
        await Task.WhenAll(Enumerable.Range(0, 6).Select(writer => Task.Run(async () =>
        {
            for (var round = 0; round < 15; round++)
            {
                if ((writer + round) % 2 == 0)
                {
                    await rules.SaveAsync("raced", "weight", "lua", $"return {writer}", 0, true);
                    Interlocked.Increment(ref changes);
                }
                else if (await rules.DeleteAsync("raced"))
                {
                    Interlocked.Increment(ref changes);
                }
            }
        })));

        Assert.Equal($"{changes}:{changes}", await db.ScalarAsync(
            "SELECT count(*) || ':' || max(version) FROM __schema__.rule_versions WHERE name = 'raced'"));
    }
}
