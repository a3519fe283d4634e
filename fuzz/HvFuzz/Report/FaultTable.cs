namespace HvDaemons.Fuzz.Report;

/// <summary>The "Faults" section of docs/robustness.md: faults injected by tests rather than
/// found by fuzzing, kept by hand here so that `make fuzz` rewrites the file with them.</summary>
public static class FaultTable
{
    public const string Text = """
        ## Faults

        | fault | what the host gets | what is logged | what is left | test |
        |---|---|---|---|---|
        | hv_vss_daemon killed while frozen (SIGKILL, OOM killer) | the FREEZE reply it already had; until the restart (`RestartSec=2s`) the kernel fails requests itself, then the new instance answers as usual | new instance, before it registers: LOG_WARNING `VSS: an earlier instance died with file systems frozen; thawed /mnt/second, /` | nothing frozen (writers resume within 5 s of the start); `/run/hyperv-vss/frozen` removed | `VssCrashThawTests`, `FrozenRecordTests` |
        | the record in /run is corrupt or not ours | nothing changes | LOG_ERR `VSS: ignoring /run/hyperv-vss/frozen: <why>` | the record removed; nothing thawed from it | `FrozenRecordTests.A_corrupt_record_is_logged_once_acted_on_never_and_removed` |
        | a filesystem mounted at a recorded path since the crash | nothing changes | named in the same line: `not mounted there any more, left alone: /data (254:16)` | that filesystem untouched | `FrozenRecordTests.A_different_filesystem_now_mounted_at_the_path_is_left_alone` |
        | a second hv_vss_daemon started by hand while one holds a freeze | the running one keeps serving | LOG_INFO `VSS: another instance holds /run/hyperv-vss/frozen.lock; leaving what it froze alone`; its device open fails (EBUSY), exit 1 | the first instance's freeze | `FrozenRecordTests.A_running_instance_keeps_the_lock_and_its_freeze` |
        | FREEZE answered, THAW never comes (host crashed, channel lost) | no THAW to answer | LOG_WARNING `VSS: no THAW within 300 s of FREEZE; watchdog thawed <n> file system(s)` (`HV_VSS_FREEZE_TIMEOUT_MS`) | nothing frozen; record removed | `VssFreezeTests.The_watchdog_thaws_when_no_THAW_comes`, `VssSettingsTests` |
        | an unexpected exception in any daemon | a failure status for the request in flight (the kernel answers it when the device is released); the restarted daemon answers the next | LOG_ERR `fatal: <type>: <message>` (the stack as LOG_DEBUG lines only with `-d`) | VSS: everything it held thawed; fcopy: the partial file removed; exit 1, so `Restart=on-failure` acts | `CrashPathTests` |

        """;
}
