using System.Collections.Generic;
using System.Text;

namespace HvDaemons.HostSim.Sandboxing;

/// <summary>
/// Writes the shell script that builds the sandbox inside `unshare --mount`: a tmpfs /dev
/// holding only harmless nodes, the FUSE device mounted at /dev/vmbus, the captured syslog
/// socket at /dev/log, the spec's mounts and files, then an exec of the program. The
/// namespace, and every mount in it, vanishes with its last process.
/// </summary>
internal static class LaunchScript
{
    /// <summary>Marker printed on stderr once the sandbox is built, right before the exec.</summary>
    public const string ExecMarker = "hvsim: exec";

    // Creates a missing mount point without touching the real filesystem: the parent is
    // replaced (in this namespace only) by a tmpfs holding bind mounts of all its entries
    // plus the new one. $1 = path, $2 = d (directory) or f (file).
    const string Functions = """
        shadow_seq=0
        ensure_path() {
            [ -e "$1" ] && return 0
            ep_parent=$(dirname "$1")
            ensure_path "$ep_parent" d
            ep_parent=$(dirname "$1")
            shadow_seq=$((shadow_seq + 1))
            ep_shadow="$HVSIM_WORK/shadow$shadow_seq"
            mkdir "$ep_shadow"
            mount -t tmpfs -o mode=0755 hvsim-shadow "$ep_shadow"
            for ep_e in "$ep_parent"/* "$ep_parent"/.[!.]* "$ep_parent"/..?*; do
                [ -e "$ep_e" ] || [ -L "$ep_e" ] || continue
                ep_n=${ep_e##*/}
                if [ -L "$ep_e" ]; then cp -P "$ep_e" "$ep_shadow/$ep_n"
                elif [ -d "$ep_e" ]; then mkdir "$ep_shadow/$ep_n"; mount --rbind "$ep_e" "$ep_shadow/$ep_n"
                else : > "$ep_shadow/$ep_n"; mount --bind "$ep_e" "$ep_shadow/$ep_n"; fi
            done
            if [ "$2" = d ]; then mkdir "$ep_shadow/${1##*/}"; else : > "$ep_shadow/${1##*/}"; fi
            mount --move "$ep_shadow" "$ep_parent"
        }

        """;

    public static string Build(SandboxSpec spec, string work, int fuseFd, IReadOnlyList<string> mountSources)
    {
        var s = new StringBuilder();
        s.Append("set -eu\n");
        s.Append("HVSIM_WORK=").Append(Quote(work)).Append("; export HVSIM_WORK\n");
        s.Append(Functions);
        if (spec.PrivateDev)
        {
            s.Append("""
                d="$HVSIM_WORK/dev"
                mkdir "$d"
                mount -t tmpfs -o mode=0755,size=1m hvsim-dev "$d"
                for n in null zero full random urandom tty; do
                    if [ -e "/dev/$n" ]; then : > "$d/$n"; mount --bind "/dev/$n" "$d/$n"; fi
                done
                ln -s /proc/self/fd "$d/fd"
                ln -s /proc/self/fd/0 "$d/stdin"; ln -s /proc/self/fd/1 "$d/stdout"; ln -s /proc/self/fd/2 "$d/stderr"
                mkdir "$d/shm" "$d/pts" "$d/vmbus"

                """);
            s.Append("mount -i -t fuse -o fd=").Append(fuseFd)
             .Append(",rootmode=40000,user_id=0,group_id=0,allow_other hvsim \"$d/vmbus\"\n");
            s.Append("exec ").Append(fuseFd).Append("<&-\n");
            s.Append(": > \"$d/log\"; mount --bind \"$HVSIM_WORK/syslog.sock\" \"$d/log\"\n");
            s.Append("mount --move \"$d\" /dev\n");
        }
        for (int i = 0; i < spec.Mounts.Count; i++)
        {
            SandboxMount m = spec.Mounts[i];
            string t = Quote(m.Target);
            switch (m)
            {
                case SandboxMount.HostDir:
                    s.Append("ensure_path ").Append(t).Append(" d\n");
                    s.Append("mount --bind ").Append(Quote(mountSources[i])).Append(' ').Append(t).Append('\n');
                    break;
                case SandboxMount.Tmpfs tmp:
                    s.Append("ensure_path ").Append(t).Append(" d\n");
                    s.Append("mount -t tmpfs -o ").Append(Quote("mode=" + tmp.Mode + (tmp.Size is null ? "" : ",size=" + tmp.Size)))
                     .Append(" hvsim-tmpfs ").Append(t).Append('\n');
                    s.Append("if [ -d ").Append(Quote(mountSources[i])).Append(" ]; then cp -a ")
                     .Append(Quote(mountSources[i] + "/.")).Append(' ').Append(t).Append("/; fi\n");
                    break;
                case SandboxMount.Bind b:
                    s.Append("if [ -d ").Append(Quote(b.Source)).Append(" ]; then ensure_path ").Append(t)
                     .Append(" d; else ensure_path ").Append(t).Append(" f; fi\n");
                    s.Append("mount --bind ").Append(Quote(b.Source)).Append(' ').Append(t).Append('\n');
                    if (b.ReadOnly) s.Append("mount -o remount,bind,ro ").Append(t).Append('\n');
                    break;
            }
        }
        foreach (string line in spec.SetupLines) s.Append(line).Append('\n');
        s.Append("echo ").Append(Quote(ExecMarker)).Append(" >&2\n");
        s.Append("exec");
        foreach (string w in spec.ExecPrefix) s.Append(' ').Append(Quote(w));
        s.Append(' ').Append(Quote(spec.Program));
        foreach (string a in spec.Args) s.Append(' ').Append(Quote(a));
        s.Append('\n');
        return s.ToString();
    }

    public static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";
}
