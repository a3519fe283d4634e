using System;
using System.Runtime.InteropServices;
using Tmds.Linux;

namespace HvDaemons.Vss;

/// <summary>
/// SIGHUP would end the process with filesystems still frozen. This turns it into SIGTERM,
/// which the daemon loop handles by thawing before exit.
/// </summary>
public static class HangupAsStop
{
    public static IDisposable Register() => PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
    {
        context.Cancel = true;
        LibC.kill(LibC.getpid(), LibC.SIGTERM);
    });
}
