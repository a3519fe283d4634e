using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO;
using System.Text;
using HvDaemons.Kvp;
using HvDaemons.Logging;

// Prints CPU time for pool operations through KvpService.Handle on pool files in a temp dir.
// Targets: full ENUMERATE of 5,000 records < 100 ms CPU; GET and SET < 0.1 ms each.
const int Ops = 500;
Console.WriteLine($"{"records",8} {"enumerate all (ms)",20} {"GET (ms/op)",12} {"SET (ms/op)",12}");
foreach (int records in new[] { 10, 500, 5000 })
{
    string dir = Directory.CreateTempSubdirectory("hvd-kvpbench-").FullName;
    try
    {
        var paths = new KvpPaths(Path.Combine(dir, "pools"), Path.Combine(dir, "scripts"));
        var service = KvpService.Create(paths, new MemoryLogger());
        var msg = new byte[7432];
        for (int i = 0; i < records; i++) Send(service, Set(msg, "key-" + i, "value-" + i));
        Send(service, Enumerate(msg, 0));   // settle the cache

        TimeSpan t0 = Cpu();
        for (uint i = 0; ; i++)
            if (Send(service, Enumerate(msg, i)) != 0) break;
        double enumMs = (Cpu() - t0).TotalMilliseconds;

        t0 = Cpu();
        for (int i = 0; i < Ops; i++) Send(service, Get(msg, "key-" + (i * 7919 % records)));
        double getMs = (Cpu() - t0).TotalMilliseconds / Ops;

        t0 = Cpu();
        for (int i = 0; i < Ops; i++) Send(service, Set(msg, "key-" + (i * 7919 % records), "new-" + i));
        double setMs = (Cpu() - t0).TotalMilliseconds / Ops;

        Console.WriteLine($"{records,8} {enumMs,20:F2} {getMs,12:F4} {setMs,12:F4}");
        service.Dispose();
    }
    finally
    {
        Directory.Delete(dir, true);
    }
}

static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

static uint Send(KvpService s, byte[] m)
{
    s.Handle(m, m.Length);
    return BinaryPrimitives.ReadUInt32LittleEndian(m);
}

static byte[] Set(byte[] m, string key, string value)
{
    Array.Clear(m);
    m[0] = 1;
    m[1] = 1;
    BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(4), 1);
    BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(8), (uint)key.Length + 1);
    BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(12), (uint)value.Length + 1);
    Encoding.ASCII.GetBytes(key, m.AsSpan(16));
    Encoding.ASCII.GetBytes(value, m.AsSpan(528));
    return m;
}

static byte[] Get(byte[] m, string key)
{
    Array.Clear(m);
    m[1] = 1;
    BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(8), (uint)key.Length + 1);
    Encoding.ASCII.GetBytes(key, m.AsSpan(16));
    return m;
}

static byte[] Enumerate(byte[] m, uint index)
{
    Array.Clear(m);
    m[0] = 3;
    m[1] = 1;
    BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(4), index);
    return m;
}
