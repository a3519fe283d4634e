using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Xunit;

namespace HvDaemons.Systemd;

/// <summary>
/// One root and one booted container per release (and one for the network tests) for the whole
/// run, made on first use (the roots built at once) and removed at the end. A release that failed
/// to build or boot keeps its error, so every test using it fails (or, outside CI on an unfit
/// machine, skips) at once.
/// </summary>
public sealed class ContainerFixture : IDisposable
{
    readonly object _gate = new();
    readonly Dictionary<string, Task> _roots = new(StringComparer.Ordinal);
    readonly Dictionary<string, BootedContainer> _booted = new(StringComparer.Ordinal);
    readonly Dictionary<string, string> _failed = new(StringComparer.Ordinal);
    string? _work;

    /// <summary>The booted container of root <paramref name="name"/> (a codename, or
    /// <see cref="DebianRelease.BookwormNetwork"/>'s name); skips or fails the test when none can run.</summary>
    public BootedContainer Get(string name)
    {
        DebianRelease release = DebianRelease.Named(name);
        SystemdEnvironment.SkipOrFail(SystemdEnvironment.WhyUnavailable(release));
        lock (_gate)
        {
            if (_booted.TryGetValue(name, out BootedContainer? c)) return c;
            if (_failed.TryGetValue(name, out string? why)) Assert.Fail(why);
            try
            {
                StartRoots(release);
                _roots[name].GetAwaiter().GetResult();
                c = BootedContainer.Boot(release, RootOf(name));
                _booted[name] = c;
                return c;
            }
            catch (InvalidOperationException e)
            {
                _failed[name] = e.Message;
                throw;
            }
        }
    }

    string RootOf(string name) => Path.Combine(_work!, name);

    // The first test of a plain release starts every root at once (a full run needs them all);
    // a run of the network tests alone builds only their root.
    void StartRoots(DebianRelease wanted)
    {
        _work ??= Directory.CreateTempSubdirectory("hvd-systemd-").FullName;
        var start = new List<DebianRelease> { DebianRelease.BookwormNetwork };
        if (wanted != DebianRelease.BookwormNetwork) start.AddRange(DebianRelease.All);
        foreach (DebianRelease r in start)
        {
            // A release without its build is skipped when asked for; make install must not build it here.
            if (_roots.ContainsKey(r.Name) || SystemdEnvironment.WhyUnavailable(r) is not null) continue;
            string root = RootOf(r.Name);
            _roots[r.Name] = Task.Run(() => DebianRoot.Build(r, root));
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
                foreach (string name in _roots.Keys) DebianRoot.Remove(RootOf(name));
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
