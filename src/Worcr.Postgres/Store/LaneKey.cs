namespace Worcr.Postgres;

/// <summary>The signature that identifies a lane; Tags must already be normalised.</summary>
internal readonly record struct LaneKey(string Tenant, string Type, string TagsText, double Weight, string LimitKeysText = "")
{
    // A control character no tag contains in practice; only used as an in-memory dictionary key.
    private const char Separator = '\u001f';

    /// <param name="normalisedLimitKeys">Sorted and distinct, like tags; none by default.</param>
    public static LaneKey Of(string tenant, string type, IReadOnlyList<string> normalisedTags, double weight, IReadOnlyList<string>? normalisedLimitKeys = null) =>
        new(tenant, type, string.Join(Separator, normalisedTags), weight, string.Join(Separator, normalisedLimitKeys ?? []));

    public string[] Tags => TagsText.Length == 0 ? [] : TagsText.Split(Separator);

    public string[] LimitKeys => LimitKeysText.Length == 0 ? [] : LimitKeysText.Split(Separator);
}
