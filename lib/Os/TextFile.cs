using System;
using System.IO;
using System.Text;

namespace HvDaemons.Os;

/// <summary>
/// Small system text files (/proc, /etc, sysfs) read the way C reads them: bytes decoded as
/// UTF-8, never a byte order mark honoured (File.ReadAllText would switch encodings on one).
/// </summary>
public static class TextFile
{
    /// <returns>false with the reason when <paramref name="path"/> cannot be read.</returns>
    public static bool TryRead(string path, out string text, out string error)
    {
        try
        {
            text = Encoding.UTF8.GetString(File.ReadAllBytes(path));
            error = "";
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            text = "";
            error = e.Message;
            return false;
        }
    }

    /// <summary>The file's text, or "" when it is missing or unreadable (optional inputs).</summary>
    public static string ReadOrEmpty(string path) => TryRead(path, out string text, out _) ? text : "";
}
