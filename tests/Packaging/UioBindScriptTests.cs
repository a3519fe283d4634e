using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace HvDaemons.Packaging;

/// <summary>
/// packaging/scripts/hv_fcopy_uio_bind against fake sysfs trees, one per state a guest can be
/// in: unbound with the module not loaded, driver built in, bound already, the class already
/// in new_id, the ring file late, no device, another driver, and a second run. A stand-in
/// kernel binds the device when the script writes new_id or bind, as uio_hv_generic would.
/// </summary>
public sealed class UioBindScriptTests
{
    const string Class = "34d14be3-dee4-41c8-9ae7-6b174977c192";
    const string Instance = "eb765408-105f-49b6-b4aa-c123b64d17d4";

    /// <summary>A fake /sys with the fcopy device, a decoy uio device, and a fake modprobe.</summary>
    sealed class FakeSysfs : IDisposable
    {
        readonly TempTree _tree = new("uiobind");

        public FakeSysfs(bool device = true, bool driverLoaded = true)
        {
            // Another VMBus device already on uio0: the script must not take it for fcopy.
            string decoy = Devices + "/f8615163-df3e-46c5-913f-f2d2f965ed0e";
            _tree.Write(decoy + "/class_id", "{f8615163-df3e-46c5-913f-f2d2f965ed0e}\n");
            Directory.CreateDirectory(_tree[decoy + "/uio/uio0"]);
            Directory.CreateDirectory(_tree["/sys/bus/vmbus/drivers"]);
            if (device)
            {
                _tree.Write(Device + "/class_id", "{" + Class + "}\n");
                _tree.Write(Device + "/device_id", "{" + Instance + "}\n");
            }
            if (driverLoaded) CreateDriver();
            // modprobe stand-in: records its arguments, then "loads" the driver (creates its folder).
            _tree.Write("/modprobe", "#!/bin/sh\necho \"$*\" >>\"" + _tree["/modprobe.log"] + "\"\n"
                        + "mkdir -p \"" + _tree[Driver] + "\" && : >\"" + _tree[Driver + "/new_id"] + "\" && : >\"" + _tree[Driver + "/bind"] + "\"\n",
                        (UnixFileMode)0x1ed);
        }

        public const string Devices = "/sys/bus/vmbus/devices";
        public const string Device = Devices + "/" + Instance;
        public const string Driver = "/sys/bus/vmbus/drivers/uio_hv_generic";

        public string this[string relative] => _tree[relative];

        public void CreateDriver()
        {
            _tree.Write(Driver + "/new_id", "");
            _tree.Write(Driver + "/bind", "");
        }

        public string ModprobeCalls => File.Exists(_tree["/modprobe.log"]) ? File.ReadAllText(_tree["/modprobe.log"]) : "";

        public string Read(string relative) => File.Exists(_tree[relative]) ? File.ReadAllText(_tree[relative]) : "";

        public bool IsBound => Directory.Exists(_tree[Device + "/uio"]);

        /// <summary>What the kernel does on a successful bind: driver link and uio node; the
        /// channel's ring file unless <paramref name="ring"/> is false.</summary>
        public void Bind(string driver = "uio_hv_generic", bool ring = true)
        {
            Directory.CreateDirectory(_tree["/sys/bus/vmbus/drivers/" + driver]);
            File.CreateSymbolicLink(_tree[Device + "/driver"], "../../../../bus/vmbus/drivers/" + driver);
            if (driver == "uio_hv_generic") Directory.CreateDirectory(_tree[Device + "/uio/uio3"]);
            if (ring) AddRing();
        }

        public void AddRing() => _tree.Write(Device + "/channels/14/ring", new string('\0', 8192));

        /// <summary>Runs the script while a stand-in kernel answers its writes.</summary>
        public CommandResult Run(int timeoutSeconds = 3, bool bindOnNewId = true, TimeSpan? ringAfter = null)
        {
            var env = new Dictionary<string, string>
            {
                ["HV_SYSFS_ROOT"] = _tree["/sys"],
                ["HV_FCOPY_MODPROBE"] = _tree["/modprobe"],
                ["HV_FCOPY_UIO_BIND_TIMEOUT"] = timeoutSeconds.ToString(),
            };
            string script = Path.Combine(PackagingEnvironment.RepoRoot, "packaging/scripts/hv_fcopy_uio_bind");
            Task<CommandResult> run = Task.Run(() => Command.Run("sh", [script], env: env, timeoutSeconds: 60));
            DateTime? boundAt = null;
            while (!run.IsCompleted)
            {
                if (!IsBound && ((bindOnNewId && Read(Driver + "/new_id").Contains(Class)) || Read(Driver + "/bind").Contains(Instance)))
                {
                    Bind(ring: ringAfter is null);
                    boundAt = DateTime.UtcNow;
                }
                if (ringAfter is TimeSpan late && boundAt is DateTime at && DateTime.UtcNow - at >= late && !File.Exists(_tree[Device + "/channels/14/ring"]))
                    AddRing();
                Thread.Sleep(20);
            }
            return run.Result;
        }

        public void Dispose() => _tree.Dispose();
    }

    static void AssertBoundOnUio3(CommandResult r)
    {
        Assert.True(r.ExitCode == 0, r.Describe());
        Assert.Contains("is /dev/uio3", r.Stderr);
    }

    [Fact]
    public void Unbound_with_the_module_not_loaded_loads_it_and_binds_through_new_id()
    {
        using var sys = new FakeSysfs(driverLoaded: false);

        CommandResult r = sys.Run();

        AssertBoundOnUio3(r);
        Assert.Equal("-q uio_hv_generic\n", sys.ModprobeCalls);
        Assert.Equal(Class + "\n", sys.Read(FakeSysfs.Driver + "/new_id"));
        Assert.Equal("", sys.Read(FakeSysfs.Driver + "/bind"));   // new_id's probe bound it already
    }

    [Fact]
    public void A_built_in_driver_is_not_modprobed()
    {
        using var sys = new FakeSysfs(driverLoaded: true);

        CommandResult r = sys.Run();

        AssertBoundOnUio3(r);
        Assert.Equal("", sys.ModprobeCalls);
    }

    [Fact]
    public void A_device_bound_already_is_left_as_it_is()
    {
        using var sys = new FakeSysfs();
        sys.Bind();

        CommandResult r = sys.Run();

        AssertBoundOnUio3(r);
        Assert.Equal(("", "", ""), (sys.Read(FakeSysfs.Driver + "/new_id"), sys.Read(FakeSysfs.Driver + "/bind"), sys.ModprobeCalls));
    }

    [Fact]
    public void A_class_new_id_knows_already_fails_the_write_and_the_bind_follows()
    {
        using var sys = new FakeSysfs();
        // The kernel answers a second new_id with EEXIST and binds nothing; a folder in its
        // place makes the write fail the same way here.
        File.Delete(sys[FakeSysfs.Driver + "/new_id"]);
        Directory.CreateDirectory(sys[FakeSysfs.Driver + "/new_id"]);

        CommandResult r = sys.Run(bindOnNewId: false);

        AssertBoundOnUio3(r);
        Assert.Equal(Instance + "\n", sys.Read(FakeSysfs.Driver + "/bind"));
    }

    [Fact]
    public void A_late_ring_file_is_waited_for()
    {
        using var sys = new FakeSysfs();

        CommandResult r = sys.Run(timeoutSeconds: 5, ringAfter: TimeSpan.FromSeconds(1.5));

        AssertBoundOnUio3(r);
    }

    [Fact]
    public void A_ring_that_never_comes_fails_after_the_bounded_wait()
    {
        using var sys = new FakeSysfs();
        sys.Bind(ring: false);
        var started = DateTime.UtcNow;

        CommandResult r = sys.Run(timeoutSeconds: 1);

        Assert.True(r.ExitCode == 1, r.Describe());
        Assert.Contains("channels/*/ring after 1s", r.Stderr);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Without_the_device_there_is_nothing_to_bind_and_nothing_is_written()
    {
        using var sys = new FakeSysfs(device: false);

        CommandResult r = sys.Run();

        Assert.True(r.ExitCode == 0, r.Describe());
        Assert.Contains("no fcopy VMBus device", r.Stderr);
        Assert.Equal(("", "", ""), (sys.Read(FakeSysfs.Driver + "/new_id"), sys.Read(FakeSysfs.Driver + "/bind"), sys.ModprobeCalls));
    }

    [Fact]
    public void A_device_another_driver_serves_is_left_alone()
    {
        using var sys = new FakeSysfs();
        sys.Bind(driver: "hv_utils");

        CommandResult r = sys.Run();

        Assert.True(r.ExitCode == 0, r.Describe());
        Assert.Contains("served by hv_utils", r.Stderr);
        Assert.Equal(("", ""), (sys.Read(FakeSysfs.Driver + "/new_id"), sys.Read(FakeSysfs.Driver + "/bind")));
    }

    [Fact]
    public void A_second_run_writes_nothing()
    {
        using var sys = new FakeSysfs();
        AssertBoundOnUio3(sys.Run());
        File.WriteAllText(sys[FakeSysfs.Driver + "/new_id"], "");
        File.WriteAllText(sys[FakeSysfs.Driver + "/bind"], "");

        CommandResult again = sys.Run();

        AssertBoundOnUio3(again);
        Assert.Equal(("", ""), (sys.Read(FakeSysfs.Driver + "/new_id"), sys.Read(FakeSysfs.Driver + "/bind")));
    }
}
