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
        | another program holds a KVP pool's flock and fcntl locks for ever | HV_E_FAIL from the daemon after 10 s (the kernel waits 30 s); the next request is served | LOG_ERR `KVP: Timed out acquiring the lock pool: 1; /var/lib/hyperv/.kvp_pool_1 has its flock lock held by pid <pid> for 10 s (SET answered as failed)` | the pool unchanged | `KvpLockWaitTests`, `PoolLockTests` |
        | SIGTERM while hv_kvp_daemon waits for a pool lock or a script | HV_E_FAIL at once; the daemon exits 0 within 1 s | LOG_INFO `… given up while another program holds the flock lock …` or LOG_ERR `… killed because the daemon is stopping`, then `stopping on SIGTERM` | the pool unchanged; the script's process group killed | `KvpLockWaitTests`, `KvpProcessFaultTests`, `ScriptStopTests` |
        | hv_kvp_daemon (or hv_kvp_client) killed in the middle of a pool change | HV_E_FAIL from the kernel for the request in flight; every acknowledged SET kept | LOG_WARNING from the next locker: `finished a change … whose writer stopped half-way` or `discarded the incomplete entry …` | whole 2560-byte records of valid UTF-8, each old or new; `.kvp_journal_N` cleared | `KvpCrashSafetyTests` (25 SIGKILLs), `PoolJournalTests` (every crash point) |
        | a VM created from a captured image (`reset-pools-on-new-vm = yes`) | pools 0 and 3 empty until the host pushes its items again | LOG_INFO `VM identity changed from <old> to <new>: emptied pools 0 and 3 …` | pools 1, 2 and 4 unchanged; `.kvp_identity` updated | `KvpStalePoolsTests`, `StalePoolsTests` |

        """;
}
