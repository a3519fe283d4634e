using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;

namespace HvDaemons.Tests.Kvp;

/// <summary>
/// cloud-init / azure-init append to and rewrite pool 1 under flock(LOCK_EX) while the daemon
/// serves the host. A second process does exactly that for 1,000 rounds while the service
/// enumerates and sets in a loop: no record may be lost, torn or duplicated, and every
/// enumeration must be a consistent view.
/// </summary>
public class ConcurrentWriterTests
{
    const int Rounds = 1000;

    // Appends "py-N" records and rewrites existing ones in place; every value starts with its
    // key, so a torn record (key of one write, value of another) is detectable.
    const string Writer = """
import fcntl, os, sys, time
path, rounds = sys.argv[1], int(sys.argv[2])
R = 2560
def rec(k, v):
    b = bytearray(R)
    b[0:len(k)] = k.encode(); b[512:512+len(v)] = v.encode()
    return bytes(b)
appended = []
final = {}
fd = os.open(path, os.O_RDWR)
for n in range(rounds):
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        size = os.fstat(fd).st_size
        if n % 4 == 0 or not appended:
            k = "py-%d" % len(appended)
            v = k + ":0"
            os.pwrite(fd, rec(k, v), size - size % R)
            appended.append(k)
        else:
            k = appended[n % len(appended)]
            data = os.pread(fd, size - size % R, 0)
            for i in range(0, len(data), R):
                if data[i:i+512].split(b"\0")[0].decode() == k:
                    v = "%s:%d" % (k, n)
                    os.pwrite(fd, rec(k, v), i)
                    break
            else:
                sys.exit("record %s vanished" % k)
        final[k] = v
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
    time.sleep(0.0005)
for k, v in final.items():
    print(k + "=" + v)
""";

    [Fact]
    public async System.Threading.Tasks.Task FlockWriterAndServiceNeverLoseTearOrDuplicateRecords()
    {
        using var t = new TempPools();
        _ = t.Service;
        string script = Path.Combine(t.Root, "writer.py");
        File.WriteAllText(script, Writer);
        var psi = new ProcessStartInfo("python3", [script, t.PoolPath(1), Rounds.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var writer = Process.Start(psi)!;
        var outputTask = writer.StandardOutput.ReadToEndAsync();
        var errorTask = writer.StandardError.ReadToEndAsync();

        var serviceFinal = new Dictionary<string, string>();
        int previousPy = 0;
        int overlapping = 0;
        for (int round = 0; round < Rounds; round++)
        {
            if (!writer.HasExited) overlapping++;
            // Append a new record, delete an older one (the last record, often a py one, moving
            // into its slot) and rewrite one in place: all three kinds of write.
            string key = "svc-" + round;
            Assert.Equal(Msg.S_OK, t.Status(Msg.Set(1, key, key + ":" + round)));
            serviceFinal[key] = key + ":" + round;
            if (round % 3 == 1)
            {
                string gone = "svc-" + (round - 1);
                Assert.Equal(Msg.S_OK, t.Status(Msg.Delete(1, gone)));
                serviceFinal.Remove(gone);
            }
            string again = "svc-" + (round / 2);
            if (serviceFinal.ContainsKey(again))
            {
                Assert.Equal(Msg.S_OK, t.Status(Msg.Set(1, again, again + ":" + round + "b")));
                serviceFinal[again] = again + ":" + round + "b";
            }

            var seen = new HashSet<string>();
            var pyOrder = new List<int>();
            for (uint i = 0; ; i++)
            {
                byte[] r = t.Send(Msg.Enumerate(1, i));
                if (Msg.Status(r) == Msg.S_CONT) break;
                Assert.Equal(Msg.S_OK, Msg.Status(r));
                string k = Msg.EnumKey(r), v = Msg.EnumValue(r);
                Assert.True(seen.Add(k), $"round {round}: {k} listed twice");
                Assert.StartsWith(k + ":", v);   // not torn
                if (k.StartsWith("py-")) pyOrder.Add(int.Parse(k[3..]));
                if (k.StartsWith("svc-") && serviceFinal.TryGetValue(k, out string? mine)) Assert.Equal(mine, v);
            }
            // The py writer appends 0, 1, 2 …; a delete may move one, so as a set: 0..n-1, none missing.
            Assert.Equal(Enumerable.Range(0, pyOrder.Count), pyOrder.Order());
            Assert.True(pyOrder.Count >= previousPy, $"round {round}: py records went from {previousPy} to {pyOrder.Count}");
            previousPy = pyOrder.Count;
            foreach (string k in serviceFinal.Keys) Assert.Contains(k, seen);
        }

        Assert.True(overlapping > 20, $"the writer overlapped only {overlapping} rounds: the test proves nothing");
        Assert.True(writer.WaitForExit(120_000));
        string output = await outputTask;
        Assert.True(writer.ExitCode == 0, await errorTask);
        var expected = new Dictionary<string, string>(serviceFinal);
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = line.IndexOf('=');
            expected[line[..eq]] = line[(eq + 1)..];
        }

        byte[] file = File.ReadAllBytes(t.PoolPath(1));
        Assert.Equal(0, file.Length % 2560);
        var onDisk = new Dictionary<string, string>();
        for (int at = 0; at < file.Length; at += 2560)
            Assert.True(onDisk.TryAdd(Msg.CStr(file, at, 512), Msg.CStr(file, at + 512, 2048)), "duplicate on disk");
        Assert.Equal(expected.OrderBy(p => p.Key), onDisk.OrderBy(p => p.Key));
        // And the service's view equals the file.
        for (uint i = 0; i < onDisk.Count; i++)
        {
            byte[] r = t.Send(Msg.Enumerate(1, i));
            Assert.Equal(onDisk[Msg.EnumKey(r)], Msg.EnumValue(r));
        }
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Enumerate(1, (uint)onDisk.Count)));
    }
}
