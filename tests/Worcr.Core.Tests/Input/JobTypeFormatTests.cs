using Worcr.Core.Input;

namespace Worcr.Core.Tests.Input;

/// <summary>The one job type rule, used by the node and by the worker SDK.</summary>
public sealed class JobTypeFormatTests
{
    [Theory]
    [InlineData("test.echo")]
    [InlineData("Images.resize_v2:fast-9")]
    [InlineData("x")]
    public void Letters_digits_and_the_four_separators_make_a_job_type(string type)
    {
        Assert.True(JobTypeFormat.IsValid(type));
        Assert.Null(JobTypeFormat.Problem(type, "type"));
    }

    [Fact]
    public void A_job_type_may_have_as_many_characters_as_the_input_limit_and_no_more()
    {
        Assert.True(JobTypeFormat.IsValid(new string('t', InputLimits.MaxTypeLength)));
        Assert.False(JobTypeFormat.IsValid(new string('t', InputLimits.MaxTypeLength + 1)));
    }

    [Theory]
    [InlineData(null, "jobs[2].type: the job type is required.")]
    [InlineData("", "jobs[2].type: the job type is required.")]
    [InlineData("bad type!", "jobs[2].type: job type 'bad type!' must be 1-200 letters, digits or '.', '-', '_', ':'.")]
    [InlineData("test.echo\n", "jobs[2].type: job type 'test.echo\\u000a' must be 1-200 letters, digits or '.', '-', '_', ':'.")]
    [InlineData("café", "jobs[2].type: job type 'café' must be 1-200 letters, digits or '.', '-', '_', ':'.")]
    public void A_job_type_outside_the_rule_gets_a_problem_naming_the_field(string? type, string problem)
    {
        Assert.False(JobTypeFormat.IsValid(type));
        Assert.Equal(problem, JobTypeFormat.Problem(type, new FieldName("jobs[2]", "type")));
    }

    [Fact]
    public void A_refused_job_type_within_the_length_bound_is_shown_whole_and_a_longer_one_cut()
    {
        // The character that breaks the rule may sit anywhere in a name of up to 200: the error shows all of it.
        var badAtTheEnd = new string('t', 150) + "!";
        Assert.Contains($"'{badAtTheEnd}'", JobTypeFormat.Problem(badAtTheEnd, "type"), StringComparison.Ordinal);
        var tooLong = new string('t', InputLimits.MaxTypeLength + 1);
        Assert.Contains($"'{tooLong[..40]}'… (201 characters)", JobTypeFormat.Problem(tooLong, "type"), StringComparison.Ordinal);
    }
}
