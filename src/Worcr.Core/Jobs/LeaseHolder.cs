namespace Worcr.Core.Jobs;

/// <summary>
/// Who holds a running attempt's lease: the worker it was claimed for, on the node serving that worker's stream. A
/// report carrying a holder applies only while the job's row still names that holder (and the attempt), so a
/// worker cannot end, yield or checkpoint an attempt it was not given, whatever a node's memory says.
/// </summary>
public sealed record LeaseHolder(string WorkerId, string NodeId);
