using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace HvDaemons.Testing.Freeze;

/// <summary>
/// A zram block device made for one test, removed again on Dispose. Each device we create is
/// recorded in a ledger (/tmp/hvdaemons-vss-zram/zramN: owner pid, its start time, disk size)
/// before it is used, so a later run can remove what a crashed run left behind, and never a
/// device it did not create.
/// </summary>
public sealed class ZramDevice : IDisposable
{
    const string Control = "/sys/class/zram-control";
    static readonly string Ledger = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hvdaemons-vss-zram");
    static readonly object SweepLock = new();
    static bool _swept;

    ZramDevice(int id, long size)
    {
        Id = id;
        Size = size;
    }

    public int Id { get; }
    public long Size { get; }
    public string Name => "zram" + Id;
    public string Path => "/dev/" + Name;

    /// <summary>major:minor, as the sandbox check and /sys/dev/block name it.</summary>
    public string Number => File.ReadAllText("/sys/block/" + Name + "/dev").Trim();

    public static bool Available => Directory.Exists(Control) && Environment.UserName == "root";

    public static ZramDevice Create(long sizeBytes)
    {
        SweepLeftovers();
        Directory.CreateDirectory(Ledger);
        // Reading hot_add creates a device and tells its number.
        int id = int.Parse(File.ReadAllText(Control + "/hot_add").Trim());
        var dev = new ZramDevice(id, sizeBytes);
        File.WriteAllText(LedgerFile(id), Environment.ProcessId + " " + StartTime(Environment.ProcessId) + " " + sizeBytes);
        File.WriteAllText("/sys/block/zram" + id + "/disksize", sizeBytes.ToString());
        for (int i = 0; i < 50 && !File.Exists(dev.Path); i++) Thread.Sleep(20);   // devtmpfs creates the node
        return dev;
    }

    /// <summary>Runs mkfs.&lt;type&gt; on the device with a label that marks it as ours.</summary>
    public void Format(string fsType)
    {
        string[] args = fsType switch
        {
            "ext4" => ["-q", "-F", "-L", "hvdvss", Path],
            "xfs" => ["-q", "-f", "-L", "hvdvss", Path],
            "btrfs" => ["-q", "-f", "-L", "hvdvss", Path],
            _ => throw new ArgumentException(fsType),
        };
        RootShell.Run("mkfs." + fsType, args);
    }

    public void Dispose()
    {
        Remove(Id);
        File.Delete(LedgerFile(Id));
    }

    static string LedgerFile(int id) => System.IO.Path.Combine(Ledger, "zram" + id);

    /// <summary>Removes devices from the ledger whose creating process is gone.</summary>
    public static void SweepLeftovers()
    {
        lock (SweepLock)
        {
            if (_swept || !Directory.Exists(Ledger)) { _swept = true; return; }
            _swept = true;
            foreach (string file in Directory.GetFiles(Ledger, "zram*"))
            {
                string[] f = File.ReadAllText(file).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (f.Length != 3 || !int.TryParse(System.IO.Path.GetFileName(file)[4..], out int id)) continue;
                int pid = int.Parse(f[0]);
                if (pid == Environment.ProcessId || StartTime(pid) == f[1]) continue;   // owner still alive
                string size = "/sys/block/zram" + id + "/disksize";
                // Same number but another size: not ours any more (removed and re-created by someone else).
                if (File.Exists(size) && File.ReadAllText(size).Trim() != f[2] && File.ReadAllText(size).Trim() != "0") { File.Delete(file); continue; }
                try
                {
                    if (File.Exists(size)) Remove(id);
                    File.Delete(file);
                }
                catch (IOException) { }   // still busy: the next run tries again
            }
        }
    }

    /// <summary>hot_remove, retried while the device is still held (a dying namespace releases its mounts late).</summary>
    static void Remove(int id)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            if (!Directory.Exists("/sys/block/zram" + id)) return;
            try
            {
                File.WriteAllText(Control + "/hot_remove", id.ToString());
                return;
            }
            catch (IOException) { Thread.Sleep(100); }
        }
        throw new IOException("zram" + id + " is still busy; it is recorded in " + Ledger + " for the next run to remove");
    }

    static string StartTime(int pid)
    {
        try
        {
            string stat = File.ReadAllText("/proc/" + pid + "/stat");
            string[] after = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return after[19];   // field 22, starttime
        }
        catch (IOException) { return "gone"; }
    }
}
