using System.Collections.Generic;
using System.IO;
using HvDaemons.Os;
using HvDaemons.Vss.Hooks;
using HvDaemons.TestSupport;

namespace HvDaemons.Tests.Vss;

/// <summary>Records each hook run as "hook NAME PHASE" into a shared call list (so it orders
/// against FIFREEZE/FITHAW of <see cref="FakeFreezeOps"/>); scripted results per "NAME PHASE".</summary>
sealed class FakeHookRunner(List<string> calls) : IHookRunner
{
    public Dictionary<string, ChildResult> Results { get; } = new();

    public ChildResult Run(string hook, string phase, int timeoutMs)
    {
        string key = Path.GetFileName(hook) + " " + phase;
        calls.Add("hook " + key);
        return Results.TryGetValue(key, out ChildResult r) ? r : new ChildResult(0, false, 0, "");
    }
}
