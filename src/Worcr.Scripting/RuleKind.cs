namespace Worcr.Scripting;

/// <summary>What a rule decides; each kind defines one function of a fixed name (see docs/rules.md).</summary>
public enum RuleKind
{
    /// <summary><c>weight(job, worker)</c> → multiplier; 0 forbids the pairing.</summary>
    Weight,

    /// <summary><c>on_enqueue(job)</c> → changes to apply when a job is enqueued.</summary>
    Enqueue,

    /// <summary><c>retry(job, attempt, error)</c> → delay in seconds, or false/nil to give up.</summary>
    Retry,

    /// <summary><c>limit_keys(job)</c> → the limit keys a job counts against.</summary>
    LimitKey,
}
