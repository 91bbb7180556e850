using Microsoft.Extensions.Time.Testing;
using Worcr.Core.Dispatch;
using Worcr.Core.Lanes;
using Worcr.Core.Workers;
using Worcr.Postgres;
using Worcr.Protocol.V1;
using Worcr.Server.Workers;

namespace Worcr.Server.Tests.Workers;

/// <summary>
/// What a stream knows of its attempts' leases: a lease counts from the attempt's hand-over, then from the sending of
/// each renewal that renewed it; an attempt PostgreSQL no longer shows under the stream is one to stop.
/// </summary>
public sealed class WorkerSessionLeaseTests
{
    private static readonly Lane Lane = new(1, "acme", "t", [], 1);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void An_attempt_lapses_by_the_age_of_its_last_renewal_and_a_renewal_that_did_not_renew_it_leaves_its_age()
    {
        var session = NewSession();
        Assign(session, Job(1));
        Assign(session, Job(2));
        _time.Advance(TimeSpan.FromSeconds(2));
        var sentAt = session.Timestamp();
        // Job 2's row was locked by its completion: held, not renewed.
        var taken = session.ApplyRenewal([(1, 1), (2, 1)], Renewal(held: [(1, 1), (2, 1)], renewed: [(1, 1)]), sentAt);
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Empty(taken);
        Assert.Equal([(2L, 1)], session.Lapsing(TimeSpan.FromSeconds(3)));
        Assert.Empty(session.Lapsing(TimeSpan.FromSeconds(5)));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([(1L, 1), (2L, 1)], session.Lapsing(TimeSpan.FromSeconds(3)).Order());
    }

    [Fact]
    public void An_attempt_asked_about_and_no_longer_held_is_taken_unless_its_outcome_was_sent_or_it_was_not_asked_about()
    {
        var session = NewSession();
        Assign(session, Job(1));
        Assign(session, Job(2));
        Assign(session, Job(3));
        session.OutcomeSent(2, 1);

        var taken = session.ApplyRenewal([(1, 1), (2, 1)], Renewal(held: [], renewed: []), session.Timestamp());

        Assert.Equal([(1L, 1)], taken);
    }

    [Fact]
    public void An_attempt_whose_outcome_was_sent_never_lapses()
    {
        var session = NewSession();
        Assign(session, Job(1));
        session.OutcomeSent(1, 1);
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Empty(session.Lapsing(TimeSpan.FromSeconds(1)));
    }

    private WorkerSession NewSession() =>
        new(new WorkerProfile("w", [], new HashSet<string> { "t" }), 8, new ReportBudget(100, 100, 1000, 0), "node", time: _time);

    private static LeaseRenewal Renewal((long, int)[] held, (long, int)[] renewed) => new(held.ToHashSet(), renewed.ToHashSet());

    private static ClaimedJob Job(long id) => new(id, 1, Lane, "{}", 3, DateTimeOffset.UnixEpoch, null, new Dictionary<string, string>());

    private static void Assign(WorkerSession session, ClaimedJob job) =>
        Assert.True(session.TryAssign(job, new DispatcherMessage { Assign = new Assign { JobId = job.Id.ToString(), Attempt = job.Attempt } }));
}
