using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text.Unicode;
using HvDaemons.Fuzz.Engine;
using HvDaemons.Kvp;
using HvDaemons.Logging;
using HvDaemons.Testing.Pools;
using HvDaemons.Wire;

namespace HvDaemons.Fuzz.Targets;

/// <summary>
/// KvpService.Handle with whole and cut hv_kvp_msg buffers over file-backed pools in a
/// temporary directory, a fake /sys/class/net (one adapter) and no helper scripts. Checks:
/// reply length 7432, a status from the defined set, and a model of every acknowledged SET and
/// DELETE against the pool files (GET and ENUMERATE must answer from it too). SET_IP_INFO files
/// that get written must hold only KEY=value lines of address characters.
/// </summary>
sealed class KvpHandleTarget : FuzzTarget
{
    const int ModelLimit = 160;   // records per pool before the pool is emptied: keeps files small

    static readonly HashSet<uint> Statuses =
        [HvStatus.S_OK, HvStatus.E_FAIL, HvStatus.S_CONT, HvStatus.INVALIDARG, HvStatus.GUID_NOTFOUND];

    readonly Fixture _fx = new("kvp");
    readonly KvpPaths _paths;
    readonly MemoryLogger _log = new();
    readonly PoolModel[] _models = new PoolModel[KvpPoolId.Count];
    readonly byte[] _buffer = new byte[KvpLayout.MessageSize];
    KvpService _service;
    long _lost;

    public KvpHandleTarget()
    {
        _fx.Write("sys/class/net/fz0/address", KvpMessages.Mac.ToLowerInvariant() + "\n");
        _fx.Write("sys/class/net/fz0/device/device_id", KvpMessages.DeviceId + "\n");
        _fx.Write("sys/class/net/fz0/ifindex", "9\n");
        _fx.Write("proc/net/route", "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\n"
                                   + "fz0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n");
        _fx.Write("proc/net/ipv6_route", "");
        _fx.Write("etc/resolv.conf", "nameserver 192.168.0.1\nnameserver fe80::1\n");
        _fx.Write("etc/os-release", "NAME=\"Fuzz Linux\"\nVERSION_ID=\"1.0\"\n");
        _fx.Dir("scripts");
        _paths = new KvpPaths(_fx.Path("pools"), _fx.Path("scripts"))
        {
            ConfigDirectory = _fx.Path("config"),
            SysClassNet = _fx.Path("sys/class/net"),
            ProcNet = _fx.Path("proc/net"),
            ResolvConf = _fx.Path("etc/resolv.conf"),
            ResolvedConf = _fx.Path("run/resolved.conf"),
            OsRelease = _fx.Path("etc/os-release"),
            EtcDirectory = _fx.Path("etc"),
            NetworkdLeases = _fx.Path("run/leases"),
            LeaseDirectories = [_fx.Path("var/lib/dhcp")],
            ScriptTimeoutMs = 1000,
        };
        for (int i = 0; i < _models.Length; i++) _models[i] = new PoolModel();
        _service = KvpService.Create(_paths, _log);
    }

    public override string Name => "kvp-handle";
    public override string Description => "KVP handler: hv_kvp_msg (7432 B, also cut short), file pools checked against a model";
    public override int MaxInputLength => KvpLayout.MessageSize;
    public override int FixedLength => KvpLayout.MessageSize;
    public override IReadOnlyList<int> HotOffsets => KvpMessages.HotOffsets;
    public override long DataLost => _lost;

    public override IEnumerable<byte[]> Seeds()
    {
        for (byte pool = 0; pool < KvpPoolId.Count; pool++)
        {
            yield return KvpMessages.Set(pool, "key" + pool, "value");
            yield return KvpMessages.Get(pool, "key" + pool);
            yield return KvpMessages.Enumerate(pool, 0);
            yield return KvpMessages.Delete(pool, "key" + pool);
        }
        yield return KvpMessages.Set(1, new string('k', KvpLayout.MaxKeySize - 1), new string('v', KvpLayout.MaxValueSize - 1));
        yield return KvpMessages.Set(0, "ключ", "значение ✓");
        yield return KvpMessages.GetIpInfo(KvpMessages.Mac);
        yield return KvpMessages.SetIpInfo(KvpMessages.DeviceId, false, "192.168.0.10;fe80::10", "255.255.255.0;64",
                                           "192.168.0.1;fe80::1", "192.168.0.1;fe80::53");
        yield return KvpMessages.SetIpInfo(KvpMessages.DeviceId, true, "10.0.0.2", "255.0.0.0", "", "");
        yield return KvpMessages.Register1();
    }

    public override Verdict Run(byte[] input)
    {
        int length = Math.Min(input.Length, KvpLayout.MessageSize);
        Array.Clear(_buffer);
        input.AsSpan(0, length).CopyTo(_buffer);
        byte op = _buffer[KvpLayout.Operation], pool = _buffer[KvpLayout.Pool];
        bool whole = length == KvpLayout.MessageSize;
        bool keyOk = false, valueOk = false;
        ReadOnlySpan<byte> key = default, value = default;
        byte[] request = (byte[])_buffer.Clone();
        if (whole && pool < KvpPoolId.Count)
        {
            if (op is KvpOp.Set or KvpOp.Get)
                keyOk = KvpRequest.TryKey(request, KvpLayout.KeySize, KvpLayout.Key, out key, out _);
            else if (op == KvpOp.Delete)
                keyOk = KvpRequest.TryKey(request, KvpLayout.DeleteKeySize, KvpLayout.DeleteKey, out key, out _);
            if (op == KvpOp.Set) valueOk = KvpRequest.TryValue(request, out value, out _);
        }

        _log.Lines.Clear();
        int replyLength = _service.Handle(_buffer, length);
        Check(replyLength == KvpLayout.MessageSize, $"reply length: {replyLength} bytes");
        uint status = BinaryPrimitives.ReadUInt32LittleEndian(_buffer);
        Check(Statuses.Contains(status), $"undefined status: 0x{status:X8} for op {op}");

        if (whole && pool < KvpPoolId.Count)
        {
            PoolModel model = _models[pool];
            switch (op)
            {
                case KvpOp.Set:
                    Check(status == HvStatus.S_OK == (keyOk && valueOk), $"SET status: 0x{status:X8} with key ok {keyOk}, value ok {valueOk}");
                    if (status == HvStatus.S_OK) model.Set(key, value);
                    Verify(pool);
                    break;
                case KvpOp.Delete:
                    bool known = keyOk && model.IndexOf(key) >= 0;
                    Check(status == HvStatus.S_OK == known, $"DELETE status: 0x{status:X8}, key known {known}");
                    if (known) model.Delete(key);
                    Verify(pool);
                    break;
                case KvpOp.Get:
                    CheckGet(model, keyOk ? model.IndexOf(key) : -1, status);
                    break;
                case KvpOp.Enumerate when pool != KvpPoolId.Auto:
                    CheckEnumerate(model, BinaryPrimitives.ReadUInt32LittleEndian(request.AsSpan(KvpLayout.EnumIndex)), status);
                    break;
            }
        }
        if (op == KvpOp.SetIpInfo) ConfigFiles.CheckAndRemove(_paths.ConfigDirectory);
        if (op == KvpOp.GetIpInfo && status == HvStatus.S_OK) CheckIpReply();
        return new Verdict(status != HvStatus.S_OK, FuzzRunner.Behaviour(op < 8 ? op : 8, pool < 6 ? pool : 6, status, Fixture.LastLine(_log)));
    }

    void CheckGet(PoolModel model, int index, uint status)
    {
        if (index < 0)
        {
            Check(status == HvStatus.S_CONT, $"GET of an unknown key: 0x{status:X8}");
            return;
        }
        Check(status == HvStatus.S_OK, "data lost: GET of a stored key failed");
        ReadOnlySpan<byte> got = Until0(_buffer.AsSpan(KvpLayout.EnumValue, KvpLayout.MaxValueSize));
        if (!got.SequenceEqual(model.At(index).Value)) Lost("GET answered another value");
    }

    void CheckEnumerate(PoolModel model, uint index, uint status)
    {
        if (index >= model.Count)
        {
            Check(status == HvStatus.S_CONT, $"ENUMERATE past the end: 0x{status:X8}");
            return;
        }
        Check(status == HvStatus.S_OK, "data lost: ENUMERATE of a stored record failed");
        (byte[] k, byte[] v) = model.At((int)index);
        if (!Until0(_buffer.AsSpan(KvpLayout.EnumKey, KvpLayout.MaxKeySize)).SequenceEqual(k)
            || !Until0(_buffer.AsSpan(KvpLayout.EnumValue, KvpLayout.MaxValueSize)).SequenceEqual(v))
            Lost("ENUMERATE answered another record");
    }

    void CheckIpReply()
    {
        foreach ((int at, int len) in new[] { (KvpLayout.IpAddr, KvpLayout.IpAddrLength), (KvpLayout.SubNet, KvpLayout.SubNetLength),
                                              (KvpLayout.GateWay, KvpLayout.GateWayLength), (KvpLayout.DnsAddr, KvpLayout.DnsAddrLength) })
        {
            ReadOnlySpan<byte> field = _buffer.AsSpan(at, len);
            int nul = field.IndexOf((byte)0);
            Check(nul >= 0 && Utf8.IsValid(field[..nul]), "GET_IP_INFO reply field is not a NUL-terminated UTF-8 string");
        }
    }

    void Verify(byte pool)
    {
        string? diff = _models[pool].Compare(Path.Combine(_paths.PoolDirectory, ".kvp_pool_" + pool));
        if (diff is not null) Lost($"pool {pool}: {diff}");
        if (_models[pool].Count > ModelLimit) Restart();
    }

    void Lost(string what)
    {
        _lost++;
        throw new InvariantViolation("data lost: " + what);
    }

    static ReadOnlySpan<byte> Until0(ReadOnlySpan<byte> s)
    {
        int n = s.IndexOf((byte)0);
        return n < 0 ? s : s[..n];
    }

    /// <summary>Empties every pool and starts a fresh service (after a crash, or when pools grow).</summary>
    void Restart()
    {
        _service.Dispose();
        if (Directory.Exists(_paths.PoolDirectory)) Directory.Delete(_paths.PoolDirectory, recursive: true);
        foreach (PoolModel m in _models) m.Clear();
        _service = KvpService.Create(_paths, _log);
    }

    public override void Reset() => Restart();

    public override void Dispose()
    {
        _service.Dispose();
        _fx.Dispose();
    }
}
