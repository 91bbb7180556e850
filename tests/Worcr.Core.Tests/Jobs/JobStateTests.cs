using Worcr.Core.Jobs;

namespace Worcr.Core.Tests.Jobs;

public sealed class JobStateTests
{
    public static TheoryData<JobState> EveryState => new(Enum.GetValues<JobState>());

    [Theory]
    [MemberData(nameof(EveryState))]
    public void Every_state_survives_a_round_trip_through_its_name(JobState state)
    {
        Assert.Equal(state, JobStates.Parse(state.ToName()));
    }

    [Theory]
    [MemberData(nameof(EveryState))]
    public void Every_state_name_is_lower_case(JobState state)
    {
        Assert.Equal(state.ToString().ToLowerInvariant(), state.ToName());
    }

    [Theory]
    [InlineData("")]
    [InlineData("unknown")]
    [InlineData("canceled")]
    [InlineData(" waiting")]
    public void Parse_rejects_a_name_that_is_not_a_state(string name)
    {
        var error = Assert.Throws<FormatException>(() => JobStates.Parse(name));
        Assert.Contains($"'{name}'", error.Message);
    }

    [Fact]
    public void ToName_rejects_a_value_outside_the_enum()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((JobState)99).ToName());
    }

    [Theory]
    [InlineData(JobState.Completed)]
    [InlineData(JobState.Dead)]
    [InlineData(JobState.Expired)]
    [InlineData(JobState.Cancelled)]
    public void Finished_states_are_final(JobState state)
    {
        Assert.True(state.IsFinal());
    }

    [Theory]
    [InlineData(JobState.Scheduled)]
    [InlineData(JobState.Waiting)]
    [InlineData(JobState.Running)]
    [InlineData(JobState.Failed)]
    public void States_that_may_still_run_are_not_final(JobState state)
    {
        Assert.False(state.IsFinal());
    }
}
