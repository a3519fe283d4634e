using System;
using System.Collections.Generic;
using System.Text;

namespace HvDaemons.Kvp.Net;

/// <summary>Builds one ';'-list inside a fixed-size message field, never past its end (NUL kept).</summary>
internal sealed class FieldList
{
    readonly StringBuilder _sb = new();
    readonly int _capacity;
    int _bytes;

    public FieldList(int capacity) => _capacity = capacity;

    /// <summary>Bytes still free, keeping one for the NUL.</summary>
    public int Remaining => _capacity - 1 - _bytes;

    /// <summary>Adds an item separated from the previous one by ';' (no trailing ';').</summary>
    public bool AddSeparated(string item)
    {
        int need = Encoding.UTF8.GetByteCount(item) + (_bytes > 0 ? 1 : 0);
        if (need > Remaining) return false;
        if (_bytes > 0) _sb.Append(';');
        _sb.Append(item);
        _bytes += need;
        return true;
    }

    /// <summary>Adds an item followed by ';' (upstream's gateway and DNS form).</summary>
    public bool AddTerminated(string item)
    {
        int need = Encoding.UTF8.GetByteCount(item) + 1;
        if (need > Remaining) return false;
        _sb.Append(item).Append(';');
        _bytes += need;
        return true;
    }

    public void WriteTo(Span<byte> field)
    {
        field.Clear();
        Encoding.UTF8.GetBytes(_sb.ToString(), field[..^1]);
    }

    public override string ToString() => _sb.ToString();
}
