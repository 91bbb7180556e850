namespace Worcr.Postgres;

/// <summary>Jobs with equal unique keys duplicate each other.</summary>
internal readonly record struct UniqueKey(string Tenant, string Type, string Key);
