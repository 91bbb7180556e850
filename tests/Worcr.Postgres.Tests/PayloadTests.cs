namespace Worcr.Postgres.Tests;

public sealed class PayloadTests
{
    [Fact]
    public void Lane_counts_round_trip_through_the_jobs_payload()
    {
        var payload = JobsPayload.Format(new Dictionary<long, int> { [40] = 1, [12] = 5 });
        Assert.Equal("12:5,40:1", payload);
        Assert.Equal(new Dictionary<long, int> { [12] = 5, [40] = 1 }, JobsPayload.Parse(payload));
    }

    [Fact]
    public void Too_many_lanes_for_one_notify_become_a_reconcile_payload()
    {
        var many = Enumerable.Range(1, 2_000).ToDictionary(i => (long)i * 1_000_000_000, _ => 10_000);
        var payload = JobsPayload.Format(many);
        Assert.Equal(JobsPayload.Reconcile, payload);
        Assert.Null(JobsPayload.Parse(payload));
    }

    [Fact]
    public void Cancel_payload_keeps_a_node_id_with_colons()
    {
        var payload = new CancelPayload(7, 3, "node:a:1").Format();
        Assert.Equal(new CancelPayload(7, 3, "node:a:1"), CancelPayload.Parse(payload));
    }
}
