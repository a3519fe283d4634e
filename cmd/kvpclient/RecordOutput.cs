using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using HvDaemons.Kvp.Client;

namespace HvDaemons.KvpClient;

/// <summary>
/// The two list formats. Plain text is lis-test's kvp_client layout, which LISA parses
/// ("Pool is N", then a line whose fourth word is the count, then "Key: K; Value: V"), with
/// keys and values written as their stored bytes. JSON is for programs: valid UTF-8 always
/// (bytes that are not UTF-8 become U+FFFD).
/// </summary>
internal static class RecordOutput
{
    static readonly byte[] KeyLabel = "Key: "u8.ToArray();
    static readonly byte[] ValueLabel = "; Value: "u8.ToArray();

    public static void WritePlain(Stream to, int pool, List<PoolEntry> entries)
    {
        WriteText(to, "Pool is " + pool + "\nNum records is " + entries.Count + "\n");
        foreach (PoolEntry e in entries)
        {
            to.Write(KeyLabel);
            to.Write(e.Key);
            to.Write(ValueLabel);
            WriteLine(to, e.Value);
        }
    }

    public static void WriteJson(Stream to, IEnumerable<PoolEntry> entries)
    {
        var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var w = new Utf8JsonWriter(to, options))
        {
            w.WriteStartArray();
            foreach (PoolEntry e in entries)
            {
                w.WriteStartObject();
                w.WriteNumber("pool", e.Pool);
                w.WriteString("key", Encoding.UTF8.GetString(e.Key));
                w.WriteString("value", Encoding.UTF8.GetString(e.Value));
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        to.WriteByte((byte)'\n');
    }

    public static void WriteLine(Stream to, byte[] bytes)
    {
        to.Write(bytes);
        to.WriteByte((byte)'\n');
    }

    static void WriteText(Stream to, string text) => to.Write(Encoding.UTF8.GetBytes(text));
}
