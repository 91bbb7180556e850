namespace Worcr.Postgres;

/// <summary>The signature that identifies a lane; Tags must already be normalised.</summary>
internal readonly record struct LaneKey(string Tenant, string Type, string TagsText, double Weight)
{
    // A control character no tag contains in practice; only used as an in-memory dictionary key.
    private const char Separator = '\u001f';

    public static LaneKey Of(string tenant, string type, IReadOnlyList<string> normalisedTags, double weight) =>
        new(tenant, type, string.Join(Separator, normalisedTags), weight);

    public string[] Tags => TagsText.Length == 0 ? [] : TagsText.Split(Separator);
}
