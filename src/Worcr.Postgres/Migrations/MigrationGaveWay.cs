namespace Worcr.Postgres;

/// <summary>
/// A migration that waited <paramref name="LockTimeout"/> for a table lock another session holds (a long transaction
/// on that table), rolled back so the job traffic queued behind it could go on, and tries again in
/// <paramref name="RetryIn"/>.
/// </summary>
/// <param name="Attempt">How many times it has given way, counting this one.</param>
/// <param name="Error">PostgreSQL's message.</param>
public sealed record MigrationGaveWay(int Attempt, TimeSpan LockTimeout, TimeSpan RetryIn, string Error);
