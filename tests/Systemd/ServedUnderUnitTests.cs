using System;
using System.IO;
using System.Linq;
using System.Text;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.Systemd;

/// <summary>Started by its unit, with the unit's hardening in force, each daemon does its job
/// for the host: KVP stores a pool record in /var/lib/hyperv, VSS answers a hot backup,
/// fcopy writes the host's file.</summary>
[Collection(ContainerCollection.Name)]
public sealed class ServedUnderUnitTests(ContainerFixture containers)
{
    [SkippableTheory]
    [MemberData(nameof(DaemonUnit.Cases), MemberType = typeof(DaemonUnit))]
    public void Daemon_ServesTheHost(string release, string daemon)
    {
        BootedContainer c = containers.Get(release);
        DaemonUnit d = DaemonUnit.Named(daemon);
        UnitLifecycle.Started(c, d);
        SimHost host = c.Host;
        if (d == DaemonUnit.Kvp)
        {
            string key = "hvd-systemd-" + release;
            KvpReply set = host.Kvp.Set(KvpPoolId.Guest, key, "under systemd " + c.Release.SystemdVersion);
            KvpReply get = host.Kvp.Get(KvpPoolId.Guest, key);
            Assert.True(set.Ok && get.Ok && get.Value == "under systemd " + c.Release.SystemdVersion, "SET " + set + ", GET " + get + "\n" + c.Describe(d.Unit));
            byte[] pool = File.ReadAllBytes(Path.Combine(c.Root, "var/lib/hyperv/.kvp_pool_" + KvpPoolId.Guest));
            Assert.True(pool.AsSpan().IndexOf(Encoding.UTF8.GetBytes(key)) >= 0, "the pool file lacks " + key);
        }
        else if (d == DaemonUnit.Vss)
        {
            VssReply backup = host.Vss.HotBackup();
            Assert.True(backup.Status == HvStatus.S_OK && backup.Source == AnswerSource.Daemon, "HOT_BACKUP: " + backup + "\n" + c.Describe(d.Unit));
        }
        else
        {
            string name = "hvd-" + release + ".txt";
            string target = Path.Combine(c.Root, "var/tmp", name);
            File.Delete(target);
            byte[] data = Encoding.ASCII.GetBytes("copied under systemd " + c.Release.SystemdVersion);
            FcopyReply[] replies =
            [
                host.Fcopy.Start(name, "/var/tmp", FcopyOp.OverWrite, (ulong)data.Length),
                host.Fcopy.Write(0, data),
                host.Fcopy.Complete(),
            ];
            Assert.True(replies.All(r => r.Status == HvStatus.S_OK && r.Source == AnswerSource.Daemon),
                        string.Join(", ", replies.Select(r => r.ToString())) + "\n" + c.Describe(d.Unit));
            Assert.Equal(data, File.ReadAllBytes(target));
            File.Delete(target);
        }
    }
}
