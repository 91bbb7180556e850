namespace Worcr.Scripting;

/// <summary>What a <see cref="TagMatchRule"/> does when it matches.</summary>
public enum TagMatchAction
{
    /// <summary>When both the job and the worker side match, multiply by the factor.</summary>
    Multiply,

    /// <summary>When both sides match, the pairing is forbidden (factor 0).</summary>
    Forbid,

    /// <summary>When the job side matches, the worker side must match too, or the pairing is forbidden.</summary>
    Require,
}
