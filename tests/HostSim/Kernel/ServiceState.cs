namespace HvDaemons.HostSim.Kernel;

/// <summary>hv_utils' per-service state (hvutil_device_state), same names and values.</summary>
public enum ServiceState
{
    /// <summary>Driver loaded, no daemon registered.</summary>
    DeviceInit = 0,
    /// <summary>A daemon read the registration reply; idle.</summary>
    Ready = 1,
    /// <summary>A host request arrived and is about to be forwarded.</summary>
    HostMsgReceived = 2,
    /// <summary>The request is queued to the daemon, the kernel timeout armed.</summary>
    UserspaceReq = 3,
    /// <summary>The daemon's reply arrived; the host is being answered.</summary>
    UserspaceRecv = 4,
    /// <summary>Driver unloading.</summary>
    DeviceDying = 5,
}

/// <summary>hv_utils_transport mode: whether the char device is open.</summary>
public enum TransportMode
{
    Init = 0,
    CharDev = 2,
    Destroy = 3,
}

/// <summary>Who produced the answer the host got.</summary>
public enum AnswerSource
{
    /// <summary>The daemon's reply, translated by the kernel.</summary>
    Daemon,
    /// <summary>The kernel timeout fired before the daemon replied.</summary>
    KernelTimeout,
    /// <summary>The daemon closed the device (or died) with the request outstanding.</summary>
    DaemonGone,
    /// <summary>No daemon registered: the kernel failed the request at once.</summary>
    NoDaemon,
    /// <summary>The kernel answers this op itself (VSS GET_DM_INFO and friends).</summary>
    Kernel,
    /// <summary>The previous message was still unread, so queueing to the daemon failed.</summary>
    QueueFull,
    /// <summary>The host restarted (<see cref="SimService.Restart"/>) with the request outstanding.</summary>
    HostRestart,
}

/// <summary>The kernel's answer to one host request, before the host-side decoding.</summary>
public sealed record DeviceAnswer(uint Status, AnswerSource Source, byte[]? Reply);
