using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace HvDaemons.Packaging;

/// <summary>Every environment variable the shipped code reads is in a man page's ENVIRONMENT
/// section: an operator reading the unit and the man page sees every knob there is.</summary>
public class EnvironmentDocumentedTests
{
    static readonly Regex Read = new(@"GetEnvironmentVariable\(\s*(""(?<literal>[^""]+)""|(?<constant>\w+))\s*\)", RegexOptions.Compiled);

    [Fact]
    public void Every_variable_the_shipped_code_reads_is_documented()
    {
        string root = PackagingEnvironment.RepoRoot;
        var read = new SortedSet<string>();
        foreach (string dir in new[] { "lib", "cmd" })
            foreach (string file in Directory.EnumerateFiles(Path.Combine(root, dir), "*.cs", SearchOption.AllDirectories)
                                             .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/")))
            {
                string text = File.ReadAllText(file);
                foreach (Match m in Read.Matches(text))
                {
                    if (m.Groups["literal"].Success) { read.Add(m.Groups["literal"].Value); continue; }
                    string name = m.Groups["constant"].Value;
                    Match c = Regex.Match(text, @"const string " + name + @"\s*=\s*""(?<v>[^""]+)""");
                    Assert.True(c.Success, Path.GetRelativePath(root, file) + ": cannot resolve " + name);
                    read.Add(c.Groups["v"].Value);
                }
            }
        Assert.Contains("HV_SYSLOG_SOCKET", read);   // the scan itself works
        Assert.True(read.Count >= 6, "found only: " + string.Join(" ", read));

        string documented = string.Join("\n", Directory.EnumerateFiles(Path.Combine(root, "packaging", "man"), "*.8")
            .Select(f => File.ReadAllText(f))
            .Select(t => t.Contains(".SH ENVIRONMENT") ? t[t.IndexOf(".SH ENVIRONMENT", System.StringComparison.Ordinal)..] : "")
            .Select(t => t.Length > 1 && t.IndexOf("\n.SH ", 1, System.StringComparison.Ordinal) is int next and > 0 ? t[..next] : t));
        var missing = read.Where(v => !Regex.IsMatch(documented, @"^\.B " + Regex.Escape(v) + @"\s*$", RegexOptions.Multiline)).ToList();
        Assert.True(missing.Count == 0, "not in any man page's ENVIRONMENT section: " + string.Join(", ", missing));
    }
}
