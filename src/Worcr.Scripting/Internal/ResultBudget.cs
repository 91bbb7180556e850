namespace Worcr.Scripting.Internal;

/// <summary>
/// What copying one rule result may cost in all. The caps per table (<see cref="ScriptValues.MaxEntries"/>) and on
/// nesting do not bound it: a table holding the same table many times is copied once per reference, and three
/// levels of 10,000 shared references made 10^12 values (gigabytes, read outside every script budget).
/// </summary>
internal sealed class ResultBudget
{
    private int _values;
    private long _textBytes;

    /// <summary>Counts one value (a table or array counts, and so does each value in it); throws once over the cap.</summary>
    public void CountValue()
    {
        if (++_values > ScriptValues.MaxTotalValues)
        {
            throw new ScriptFailure($"returned more than {ScriptValues.MaxTotalValues} values in all (a table reached twice counts twice)");
        }
    }

    /// <summary>Counts the bytes of a string value or key before it is copied; throws once over the cap.</summary>
    public void CountText(long bytes)
    {
        _textBytes += bytes;
        if (_textBytes > ScriptValues.MaxTotalTextBytes)
        {
            throw new ScriptFailure($"returned more than {ScriptValues.MaxTotalTextBytes} bytes of strings in all (a string reached twice counts twice)");
        }
    }
}
