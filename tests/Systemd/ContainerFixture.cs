using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Xunit;

namespace HvDaemons.Systemd;

/// <summary>
/// One root and one booted container per release for the whole run, made on first use (both
/// roots built at once) and removed at the end. A release that failed to build or boot keeps
/// its error, so every test using it fails (or, outside CI on an unfit machine, skips) at once.
/// </summary>
public sealed class ContainerFixture : IDisposable
{
    readonly object _gate = new();
    readonly Dictionary<string, Task> _roots = new(StringComparer.Ordinal);
    readonly Dictionary<string, BootedContainer> _booted = new(StringComparer.Ordinal);
    readonly Dictionary<string, string> _failed = new(StringComparer.Ordinal);
    string? _work;

    /// <summary>The booted container of <paramref name="codename"/>; skips or fails the test when none can run.</summary>
    public BootedContainer Get(string codename)
    {
        SystemdEnvironment.SkipOrFail(SystemdEnvironment.WhyUnavailable());
        DebianRelease release = DebianRelease.Named(codename);
        lock (_gate)
        {
            if (_booted.TryGetValue(codename, out BootedContainer? c)) return c;
            if (_failed.TryGetValue(codename, out string? why)) Assert.Fail(why);
            try
            {
                StartRoots();
                _roots[codename].GetAwaiter().GetResult();
                c = BootedContainer.Boot(release, RootOf(codename));
                _booted[codename] = c;
                return c;
            }
            catch (InvalidOperationException e)
            {
                _failed[codename] = e.Message;
                throw;
            }
        }
    }

    string RootOf(string codename) => Path.Combine(_work!, codename);

    void StartRoots()
    {
        if (_work is not null) return;
        _work = Directory.CreateTempSubdirectory("hvd-systemd-").FullName;
        foreach (DebianRelease r in DebianRelease.All)
        {
            string root = RootOf(r.Codename);
            _roots[r.Codename] = Task.Run(() => DebianRoot.Build(r, root));
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (BootedContainer c in _booted.Values) c.Dispose();
            _booted.Clear();
            foreach (Task t in _roots.Values)
            {
                try { t.Wait(); } catch (AggregateException) { }
            }
            if (_work is not null && Environment.GetEnvironmentVariable("HVSIM_KEEP") != "1")
            {
                foreach (DebianRelease r in DebianRelease.All) DebianRoot.Remove(RootOf(r.Codename));
                try { Directory.Delete(_work, recursive: true); } catch (IOException) { }
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ContainerCollection : ICollectionFixture<ContainerFixture>
{
    public const string Name = "systemd containers";
}
