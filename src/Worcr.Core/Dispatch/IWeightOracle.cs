using Worcr.Core.Lanes;

namespace Worcr.Core.Dispatch;

/// <summary>
/// What the rules say about a lane on a worker: a multiplier of the lane's base weight, 0 when the pairing is
/// forbidden. Implementations cache per (lane, worker signature, rules version), so it is cheap to ask often.
/// </summary>
public interface IWeightOracle
{
    double Multiplier(Lane lane, WorkerProfile worker);
}
