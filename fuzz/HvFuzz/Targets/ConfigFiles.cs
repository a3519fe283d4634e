using System.IO;
using HvDaemons.Fuzz.Engine;

namespace HvDaemons.Fuzz.Targets;

/// <summary>
/// The SET_IP_INFO files may carry nothing a host could smuggle in: every line is blank, a
/// [section], or KEY=value where the value holds only address, list and name characters.
/// A quote, '$', backtick, space or control character would be a line or shell injection.
/// </summary>
static class ConfigFiles
{
    public static void CheckText(string text, string what)
    {
        foreach (string line in text.Split('\n'))
        {
            if (line.Length == 0) continue;
            if (line[0] == '[' && line[^1] == ']') continue;
            int eq = line.IndexOf('=');
            if (eq <= 0) throw new InvariantViolation($"{what}: line without KEY=: \"{line}\"");
            foreach (char c in line[..eq])
                if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
                    throw new InvariantViolation($"{what}: bad key \"{line[..eq]}\"");
            foreach (char c in line[(eq + 1)..])
                if (!(char.IsAsciiLetterOrDigit(c) || c is ':' or '.' or '/' or ',' or '_' or '-' or '@'))
                    throw new InvariantViolation($"{what}: unsafe character in \"{line}\"");
        }
    }

    /// <summary>Checks and deletes the ifcfg and keyfile a SET_IP_INFO wrote into <paramref name="dir"/>.</summary>
    public static void CheckAndRemove(string dir)
    {
        if (!Directory.Exists(dir)) return;
        foreach (string f in Directory.GetFiles(dir))
        {
            string name = Path.GetFileName(f);
            if (name != "ifcfg-fz0" && name != "fz0.nmconnection")
                throw new InvariantViolation("SET_IP_INFO wrote an unexpected file: " + name);
            CheckText(File.ReadAllText(f), name);
            File.Delete(f);
        }
    }
}
