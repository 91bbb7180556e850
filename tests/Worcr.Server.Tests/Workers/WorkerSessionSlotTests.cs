using Worcr.Core.Dispatch;
using Worcr.Core.Lanes;
using Worcr.Core.Workers;
using Worcr.Protocol.V1;
using Worcr.Server.Workers;

namespace Worcr.Server.Tests.Workers;

/// <summary>
/// A worker's slot frees when it sends the outcome, not when the node has stored it: the next job's claim overlaps
/// that commit. The capacity still bounds what the worker runs, and the node keeps the attempt until it is stored.
/// </summary>
public sealed class WorkerSessionSlotTests
{
    private static readonly Lane Lane = new(1, "acme", "t", [], 1);

    [Fact]
    public void A_sent_outcome_frees_the_slot_while_the_node_still_holds_the_attempt()
    {
        var session = NewSession(capacity: 1);
        Assert.True(Assign(session, Job(1)));
        session.AddCredits(1);
        Assert.Equal(0, session.AvailableCredits);

        session.OutcomeSent(1, attempt: 1);

        Assert.Equal(1, session.AvailableCredits);
        Assert.True(session.Holds(1, 1), "the attempt stays held until its outcome is stored");
        Assert.True(Assign(session, Job(2)));
        Assert.Equal(0, session.AvailableCredits);
        session.AddCredits(1);
        Assert.False(Assign(session, Job(3)), "job 2 runs on the worker: capacity 1 is full");
        session.Finished(1, 1);
        Assert.False(session.Holds(1, 1));
        Assert.Equal(0, session.AvailableCredits);
    }

    [Fact]
    public void An_outcome_sent_twice_frees_one_slot_and_one_for_an_attempt_not_held_frees_none()
    {
        var session = NewSession(capacity: 2);
        Assert.True(Assign(session, Job(1)));
        Assert.True(Assign(session, Job(2)));
        session.AddCredits(2);

        session.OutcomeSent(1, attempt: 1);
        session.OutcomeSent(1, attempt: 1);
        session.OutcomeSent(2, attempt: 7);
        session.OutcomeSent(99, attempt: 1);

        Assert.Equal(1, session.AvailableCredits);
        session.Finished(1, 1);
        Assert.Equal(1, session.AvailableCredits);
    }

    [Fact]
    public void A_job_yielded_and_claimed_again_before_its_yield_is_stored_is_counted_once()
    {
        var session = NewSession(capacity: 1);
        Assert.True(Assign(session, Job(1)));
        session.OutcomeSent(1, attempt: 1);
        session.AddCredits(1);

        Assert.True(Assign(session, Job(1, attempt: 2)));
        session.Finished(1, 1);

        Assert.True(session.Holds(1, 2));
        session.AddCredits(1);
        Assert.Equal(0, session.AvailableCredits);
        session.OutcomeSent(1, attempt: 2);
        Assert.Equal(1, session.AvailableCredits);
        session.Finished(1, 2);
        Assert.Equal(1, session.AvailableCredits);
        Assert.Equal(0, session.RunningCount);
    }

    [Fact]
    public void Withheld_initial_credits_are_not_used_until_granted_and_the_capacity_still_bounds_the_grants()
    {
        var session = new WorkerSession(new WorkerProfile("w", [], new HashSet<string> { "t" }), 3, new ReportBudget(100, 100, 1000, 0), "node",
            initialCredits: 1);

        Assert.Equal(1, session.AvailableCredits);
        Assert.True(Assign(session, Job(1)));
        Assert.False(Assign(session, Job(2)), "the worker withheld two of its three credits");
        session.AddCredits(10);
        Assert.Equal(2, session.AvailableCredits);
    }

    private static WorkerSession NewSession(int capacity) =>
        new(new WorkerProfile("w", [], new HashSet<string> { "t" }), capacity, new ReportBudget(100, 100, 1000, 0), "node");

    private static ClaimedJob Job(long id, int attempt = 1) =>
        new(id, attempt, Lane, "{}", 3, DateTimeOffset.UnixEpoch, null, new Dictionary<string, string>());

    private static bool Assign(WorkerSession session, ClaimedJob job) =>
        session.TryAssign(job, new DispatcherMessage { Assign = new Assign { JobId = job.Id.ToString(), Attempt = job.Attempt } });
}
