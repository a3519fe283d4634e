using System;
using System.Diagnostics;
using System.Threading;

namespace HvDaemons.Fuzz.Engine;

/// <summary>
/// Catches hangs: a thread that watches when the current input started. A .NET thread cannot
/// be aborted, so an input running past the limit is reported through <see cref="OnHang"/>
/// (which by default saves it and ends the process with status 3).
/// </summary>
public sealed class Watchdog : IDisposable
{
    readonly Thread _thread;
    readonly int _limitMs;
    volatile bool _stop;
    long _startedAt;           // Stopwatch ticks; 0 when idle
    byte[]? _input;
    string _target = "";

    public Watchdog(int limitMs, Action<string, byte[]> onHang)
    {
        _limitMs = limitMs;
        OnHang = onHang;
        _thread = new Thread(Watch) { IsBackground = true, Name = "fuzz-watchdog" };
        _thread.Start();
    }

    public Action<string, byte[]> OnHang { get; }

    public void Begin(string target, byte[] input)
    {
        _target = target;
        _input = input;
        Volatile.Write(ref _startedAt, Stopwatch.GetTimestamp());
    }

    public void End() => Volatile.Write(ref _startedAt, 0);

    void Watch()
    {
        while (!_stop)
        {
            Thread.Sleep(Math.Min(200, _limitMs));
            long started = Volatile.Read(ref _startedAt);
            if (started == 0) continue;
            if (Stopwatch.GetElapsedTime(started).TotalMilliseconds < _limitMs) continue;
            byte[]? input = _input;
            if (input is not null && Volatile.Read(ref _startedAt) == started)
            {
                OnHang(_target, input);
                Volatile.Write(ref _startedAt, 0);
            }
        }
    }

    public void Dispose() => _stop = true;
}
