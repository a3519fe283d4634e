#!/bin/sh
# hv-kvp-wait-channel (HvDaemons dracut module hv-kvp): the ExecCondition= of
# hv-kvp-daemon-initrd.service. udev starts that unit when /dev/vmbus/hv_kvp appears, but
# registering before the VMBus channel is set up can oops kernels without the 6.13 fix
# ("Avoid accessing a ringbuffer not initialized yet"): so wait, up to 5 s, for the channel
# under the KVP device (class a9a0f4e7-...). Exit 0: start the daemon; 1: skip it.

kvp_class=a9a0f4e7-5a45-4d96-b827-8a841e8c03e6

channel_ready() {
    [ -e /dev/vmbus/hv_kvp ] || return 1
    for d in /sys/bus/vmbus/devices/*; do
        [ "$(tr -d '{}\n' <"$d/class_id" 2>/dev/null)" = "$kvp_class" ] || continue
        for c in "$d"/channels/*; do
            [ -e "$c" ] && return 0
        done
    done
    return 1
}

ticks=0
while ! channel_ready; do
    if [ "$ticks" -ge 50 ]; then
        echo "hv-kvp-wait-channel: the KVP channel did not appear within 5 s, not starting hv_kvp_daemon" >&2
        exit 1
    fi
    if sleep 0.1 2>/dev/null; then ticks=$((ticks + 1)); else sleep 1; ticks=$((ticks + 10)); fi
done
exit 0
