using Worcr.Postgres;

namespace Worcr.Admin;

/// <summary>A tenant API key as listed: its prefix identifies it; the key itself is never shown again.</summary>
internal sealed record TenantKeyView(long Id, string Label, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt)
{
    public static TenantKeyView From(TenantKeyRecord record) => new(record.Id, record.Label, record.Prefix, record.CreatedAt, record.LastUsedAt);
}

internal sealed record TenantKeyListView(IReadOnlyList<TenantKeyView> Keys);

/// <summary>The answer to creating a key: the only time the full key is shown.</summary>
internal sealed record CreatedTenantKeyView(long Id, string Tenant, string Label, string Prefix, DateTimeOffset CreatedAt, string Key);
