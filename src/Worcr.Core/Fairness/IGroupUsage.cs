namespace Worcr.Core.Fairness;

/// <summary>
/// How many jobs each fairness group (a tenant, or the shared FIFO group) has been given, as every node sees it.
/// The node's implementation shares the counts through Redis so fairness holds across nodes; tests use
/// <see cref="LocalGroupUsage"/>. Only differences between groups matter, so losing the counts (a Redis
/// restart) just starts everyone level again.
/// </summary>
public interface IGroupUsage
{
    double Usage(string group);

    void Add(string group, double jobs);
}
