namespace Worcr.Core.Fairness;

/// <summary>
/// How fair a run was, from what it recorded (BENCH.md workload 3). Pure, so the fairness tests and
/// `worcr bench fairness` compute the same figures the same way.
/// </summary>
public static class FairnessMeasures
{
    /// <summary>Jain's index of the counts: 1.0 when all are equal, 1/n when one has everything.</summary>
    public static double JainIndex(IEnumerable<int> counts)
    {
        var values = counts.Select(c => (double)c).ToArray();
        if (values.Length == 0) throw new ArgumentException("Jain's index needs at least one count.", nameof(counts));
        var sum = values.Sum();
        var sumOfSquares = values.Sum(c => c * c);
        return sumOfSquares == 0 ? 1.0 : sum * sum / (values.Length * sumOfSquares);
    }

    /// <summary>
    /// Jain's index of jobs started per tenant, over the prefix of <paramref name="startsInOrder"/> (tenants in the
    /// order their jobs started) in which every tenant of <paramref name="totals"/> still had work waiting: it ends
    /// just before any tenant's last job starts.
    /// </summary>
    public static double JainIndexWhileAllBacklogged(IEnumerable<string> startsInOrder, IReadOnlyDictionary<string, int> totals)
    {
        var counts = totals.Keys.ToDictionary(t => t, _ => 0, StringComparer.Ordinal);
        foreach (var tenant in startsInOrder)
        {
            if (!counts.TryGetValue(tenant, out var count)) throw new ArgumentException($"Tenant '{tenant}' started a job but has no total.", nameof(startsInOrder));
            if (count + 1 == totals[tenant]) break; // this tenant's last job: from here on it is not backlogged
            counts[tenant] = count + 1;
        }
        return JainIndex(counts.Values);
    }
}
