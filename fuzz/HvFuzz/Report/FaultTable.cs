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
        | power cut or crash while SET_IP_INFO writes ifcfg/keyfile | (no reply; the host retries) | nothing (nothing was decided) | the old file or the new one, whole; at most a hidden `.NAME.tmp-PID` beside it, which network-scripts and NetworkManager ignore | `AtomicFileTests.ACrashAtAnyStepLeavesTheOldOrTheNewFileWhole`, `...TheFinalNameHoldsTheOldFileUntilTheSyncedNewOneIsRenamedOverIt` |
        | SET_IP_INFO config file cannot be written (missing directory, disk full, read-only) | `HV_E_FAIL` | `Failed to write config file PATH; error: ERRNO` | the previous file untouched, no temporary file | `AtomicFileTests.AMissingDirectoryFailsAndLeavesNothing`; mode/owner kept: `SetIpInfoTests.ConfigFilesAreReplacedWholeKeepingTheirModeAndLeaveNoTemporaryFile` |
        | power cut right after fcopy COMPLETE was answered | `S_OK` was only sent after the data and the name were durable | `Copied N bytes to PATH` | the whole file under its name; every directory CREATE_PATH made | `CompleteDurabilityTests` (fsync order: file, its directory, each created directory's parent) |
        | fsync of the file or a directory fails at COMPLETE | `HV_ERROR_DISK_FULL` (ENOSPC/EDQUOT) or `HV_E_FAIL` | `fsync of PATH failed: ERRNO; removing TARGET` | the partial file removed | `CompleteDurabilityTests.ADirectoryThatCannotBeSyncedFailsTheCopyWithOneLine` (a created directory removed mid-copy); a failing file fsync needs a faulty device: no test |
        | fcopy WRITE declares more bytes than arrived | `HV_E_FAIL`; the copy goes on | `WRITE_TO_FILE: fragment size N exceeds the message (M bytes)` | nothing written for it (not even stale buffer bytes) | `ShortWriteTests` |
        | another process holds a pool's fcntl (lockf) or flock lock | the SET waits for it, then `S_OK` | — | nothing written while the lock is held | `ForeignLockTests` (a dropped fcntl lock fails it) |
        | second FREEZE walk fails on a mount point | `HV_E_FAIL` | `FREEZE of MOUNTPOINT failed; error:ERRNO` | what that walk froze thawed; an earlier FREEZE's filesystems still held | `FreezeRollbackTests.AFailedSecondWalkRollsBackFromWhereItBeganNotFromTheFirstMount` |
        | THAW while /proc/mounts cannot be read | `HV_E_FAIL` | `VSS: cannot read /proc/mounts: ...`, `VSS: op=THAW: failed` | every filesystem this instance held is thawed | `FreezeRollbackTests.ThawWithoutAReadableMountTableThawsWhatItHoldsAndAnswersFailure` |
        | uio host queues several packets behind one interrupt | every request answered, in order | — | — | `UioInterruptTests.EveryPacketQueuedBehindOneInterruptIsAnswered` (both mask regimes) |
        | uio packet arrives while RX is masked (driver masks before kernel commit 37bd91f22794; user space owns the mask since) | answered: the re-check after unmasking finds it | — | — | `UioInterruptTests.APacketQueuedWhileTheDaemonIsBusyIsFoundAfterUnmasking` |
        | a test lacks root, mount, a network namespace or python3 | (test machinery) | `UNIT-SKIPPED: WHAT` on stderr and in out/blackbox-skipped.txt | — | skipped visibly; fails under `CI=true` (`PrivilegedTest`) |
        | out/linux-x64 daemon missing or older than lib/ or cmd/ | (test machinery) | the failing test names the newer source and `make build` | — | `PublishedBinaryTests`; used by `UioBinaryTests` |

        """;
}
