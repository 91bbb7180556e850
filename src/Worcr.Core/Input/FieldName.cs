namespace Worcr.Core.Input;

/// <summary>
/// The name of an input field in an error message (<c>jobs[3].tenant</c>), joined only when a message is written:
/// the checks run for every job enqueued and almost every job passes them, so the name is usually never needed.
/// </summary>
public readonly struct FieldName
{
    private readonly string _parent;
    private readonly string? _member;

    /// <summary><paramref name="member"/> of <paramref name="parent"/>: "parent.member".</summary>
    public FieldName(string parent, string member)
    {
        _parent = parent;
        _member = member;
    }

    private FieldName(string name) => _parent = name;

    public static implicit operator FieldName(string name) => new(name);

    public override string ToString() => _member is null ? _parent ?? "" : _parent + "." + _member;
}
