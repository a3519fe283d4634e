#!/bin/bash
# shellcheck disable=SC2154 # moddir, initdir, systemdsystemunitdir: set by dracut
# dracut module hv-kvp (HvDaemons): runs hv_kvp_daemon in the initrd, for images provisioned
# over KVP before the root filesystem is mounted. Only included when asked for:
#   add_dracutmodules+=" hv-kvp "   (in /etc/dracut.conf.d/*.conf)
# udev starts hv-kvp-daemon-initrd.service when /dev/vmbus/hv_kvp appears; the unit stops
# at the switch to the real root, whose hv_kvp_daemon.service then takes the device.

check() {
    require_binaries @sbindir@/hv_kvp_daemon || return 1
    return 255
}

depends() {
    echo systemd
    return 0
}

installkernel() {
    instmods hv_vmbus hv_utils
}

install() {
    # inst_binary resolves and copies the shared libraries too (none for a static build).
    inst_binary @sbindir@/hv_kvp_daemon /usr/sbin/hv_kvp_daemon
    inst_simple "$moddir/hv-kvp-daemon-initrd.service" \
        "$systemdsystemunitdir/hv-kvp-daemon-initrd.service"
    inst_script "$moddir/hv-kvp-wait-channel.sh" /usr/libexec/hv-kvp-wait-channel
    inst_multiple tr sleep
    mkdir -p "$initdir/etc/udev/rules.d"
    printf '%s\n' 'SUBSYSTEM=="misc", KERNEL=="vmbus/hv_kvp", TAG+="systemd", ENV{SYSTEMD_WANTS}+="hv-kvp-daemon-initrd.service"' \
        >"$initdir/etc/udev/rules.d/70-hv-kvp-initrd.rules"
}
