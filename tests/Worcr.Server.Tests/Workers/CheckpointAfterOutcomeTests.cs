using Worcr.Core.Dispatch;
using Worcr.Core.Lanes;
using Worcr.Core.Workers;
using Worcr.Protocol.V1;
using Worcr.Server.Workers;

namespace Worcr.Server.Tests.Workers;

/// <summary>
/// A checkpoint sent after the attempt's outcome is refused: stored after that outcome (the order a job's reports
/// keep), it would hold the stream's read loop until the outcome is stored, through a whole PostgreSQL outage.
/// </summary>
public sealed class CheckpointAfterOutcomeTests
{
    [Fact]
    public void A_checkpoint_after_the_attempts_outcome_is_not_admitted_and_one_before_it_is()
    {
        var session = new WorkerSession(new WorkerProfile("w", [], new HashSet<string> { "t" }), 1, new ReportBudget(100, 100, 1000, 0), "node", batches: false);
        session.AddCredits(1);
        var job = new ClaimedJob(7, 1, new Lane(1, "acme", "t", [], 1), "{}", 3, DateTimeOffset.UtcNow, null, new Dictionary<string, string>());
        Assert.True(session.TryAssign(job, new DispatcherMessage { Assign = new Assign { JobId = "7", Attempt = 1 } }));

        var before = session.AdmitCheckpoint(7, 1, "page");
        Assert.True(session.OutcomeSent(7, 1));
        var after = session.AdmitCheckpoint(7, 1, "page");

        Assert.Equal(ReportAdmission.Admitted, before);
        Assert.Equal(ReportAdmission.NotHeld, after);
    }
}
