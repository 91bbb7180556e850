namespace Worcr.Postgres;

/// <summary>
/// Migration <paramref name="Version"/> waited <paramref name="LockTimeout"/> for a lock another session holds (a long
/// transaction on the table it alters), rolled back so the job traffic queued behind it could go on, and tries again
/// in <paramref name="RetryIn"/>.
/// </summary>
/// <param name="Attempt">How many times this migration has given way, counting this one.</param>
/// <param name="Error">PostgreSQL's message.</param>
public sealed record MigrationGaveWay(int Version, int Attempt, TimeSpan LockTimeout, TimeSpan RetryIn, string Error);
