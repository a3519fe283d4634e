using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using HvDaemons.Fuzz.Engine;
using HvDaemons.Vss;
using HvDaemons.Wire;

namespace HvDaemons.Fuzz.Targets;

/// <summary>
/// Random /proc/mounts text through a whole FREEZE then THAW (fake freezer). Checks: only
/// mount points of writable, non-vfat /dev/ sources are frozen, "/" last, each once; THAW
/// leaves nothing frozen and no descriptor open.
/// </summary>
sealed class VssMountsTarget : FuzzTarget
{
    readonly VssFixture _fx = new();
    readonly byte[] _buffer = new byte[VssLayout.MessageSize];

    public override string Name => "vss-mounts";
    public override string Description => "VSS FREEZE+THAW over random /proc/mounts text (fake freezer): plan rules, thaw completeness";
    public override int MaxInputLength => 4096;

    public override IReadOnlyList<byte[]> Tokens { get; } =
    [
        VssFixture.Bytes("/dev/sda1"), VssFixture.Bytes("/dev/loop0"), VssFixture.Bytes("/dev/mapper/x"), VssFixture.Bytes(" / "),
        VssFixture.Bytes(" ro"), VssFixture.Bytes(",ro,"), VssFixture.Bytes(" vfat "), VssFixture.Bytes("\\040"), VssFixture.Bytes("\\134"),
        VssFixture.Bytes("\\\\"), VssFixture.Bytes("\\377"), VssFixture.Bytes("\\012"), VssFixture.Bytes("\n"), VssFixture.Bytes("\t"),
        VssFixture.Bytes("#"), VssFixture.Bytes(" 0 0\n"), [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff],
    ];

    public override IEnumerable<byte[]> Seeds()
    {
        yield return VssFixture.Bytes(VssFixture.DefaultMounts);
        yield return VssFixture.Bytes("/dev/sda1 / ext4 rw 0 0\n/dev/sda1 / ext4 rw 0 0\n/dev/sdb1 /a ext4 rw 0 0\n");
        yield return VssFixture.Bytes("/dev/sda1 /\\134\\040\\011x ext4 rw 0 0\n# comment\n\n/dev/vda2 /home btrfs rw,subvol=/home 0 0\n");
        yield return Array.Empty<byte>();
    }

    public override Verdict Run(byte[] input)
    {
        _fx.SetMounts(input);
        _fx.Log.Lines.Clear();
        List<MountEntry> mounts = new();
        foreach (string line in System.Text.Encoding.UTF8.GetString(input).Split('\n'))
            if (MountTable.TryParseLine(line, out MountEntry entry)) mounts.Add(entry);

        uint freeze = Send(VssOp.Freeze);
        var frozen = new List<string>(_fx.Freezer.FreezeOrder);
        if (freeze == HvStatus.S_OK) CheckPlan(mounts, frozen);
        uint thaw = Send(VssOp.Thaw);
        Check(thaw == HvStatus.S_OK, $"THAW failed: 0x{thaw:X8}");
        Check(_fx.Freezer.Frozen.Count == 0 && _fx.Freezer.OpenHandles == 0 && _fx.Service.FrozenCount == 0,
              "THAW left something frozen or open");
        _fx.Freezer.ForgetHistory();
        return new Verdict(mounts.Count == 0, FuzzRunner.Behaviour(freeze, Math.Min(frozen.Count, 8), Math.Min(mounts.Count, 12), Fixture.LastLine(_fx.Log)));
    }

    void CheckPlan(List<MountEntry> mounts, List<string> frozen)
    {
        var eligible = new HashSet<string>(StringComparer.Ordinal);
        foreach (MountEntry m in mounts)
            if (m.Source.StartsWith("/dev/", StringComparison.Ordinal) && !m.IsReadOnly && m.FsType != "vfat")
                eligible.Add(m.MountPoint);
        var once = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < frozen.Count; i++)
        {
            Check(eligible.Contains(frozen[i]), $"froze a mount point not eligible: \"{frozen[i]}\"");
            Check(once.Add(frozen[i]), $"froze twice: \"{frozen[i]}\"");
            Check(frozen[i] != FreezePlan.Root || i == frozen.Count - 1, "\"/\" frozen before another filesystem");
        }
    }

    uint Send(byte op)
    {
        Array.Clear(_buffer);
        _buffer[VssLayout.Operation] = op;
        int n = _fx.Service.Handle(_buffer, VssLayout.MessageSize);
        Check(n == VssLayout.MessageSize, $"reply length: {n}");
        return BinaryPrimitives.ReadUInt32LittleEndian(_buffer);
    }

    public override void Reset() => _fx.Restart();

    public override void Dispose() => _fx.Dispose();
}
