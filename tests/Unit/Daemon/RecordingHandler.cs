using System;
using System.Collections.Generic;
using HvDaemons.Daemon;

namespace HvDaemons.Tests.Daemon;

/// <summary>A handler that answers each request with its bytes reversed and records what it saw.</summary>
sealed class RecordingHandler(int maxMessageSize) : IServiceHandler
{
    public int MaxMessageSize => maxMessageSize;
    public List<string> Events { get; } = new();
    public List<byte[]> Requests { get; } = new();

    public void OnRegistered(string version) => Events.Add("registered " + version);

    public int Handle(Span<byte> buffer, int length)
    {
        Requests.Add(buffer[..length].ToArray());
        buffer[..length].Reverse();
        return length;
    }

    public void OnReset(ResetReason reason) => Events.Add("reset " + reason);
    public int TimerDueMs() => -1;
    public void OnTimer() { }
}
