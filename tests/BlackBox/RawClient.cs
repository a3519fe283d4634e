using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace HvDaemons.BlackBox;

/// <summary>
/// A tiny C client for device tests without a daemon, compiled with gcc once per run into the test output directory. It
/// executes its arguments as a script and prints one line per step, e.g.
/// <c>open /dev/vmbus/hv_vss write 0 11 0 read 0 2</c> prints "open 0", "write EINVAL", ...
/// Steps: open P | opennb P | write I LEN BYTE0 | read I LEN | alarmread I LEN | poll I MS | close I.
/// </summary>
public static class RawClient
{
    const string Source = """
        #define _GNU_SOURCE
        #include <errno.h>
        #include <fcntl.h>
        #include <poll.h>
        #include <signal.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <unistd.h>

        static int fds[8];
        static int nfds;

        static const char *err(int e)
        {
            static char buf[16];
            switch (e) {
            case EBUSY: return "EBUSY";
            case EINVAL: return "EINVAL";
            case EINTR: return "EINTR";
            case EBADF: return "EBADF";
            case EFAULT: return "EFAULT";
            case EAGAIN: return "EAGAIN";
            case ENOENT: return "ENOENT";
            }
            snprintf(buf, sizeof buf, "E%d", e);
            return buf;
        }

        static void on_alarm(int sig) { (void)sig; }

        int main(int argc, char **argv)
        {
            for (int i = 1; i < argc; i++) {
                const char *op = argv[i];
                if (!strcmp(op, "open") || !strcmp(op, "opennb")) {
                    int flags = O_RDWR | (op[4] ? O_NONBLOCK : 0);
                    int fd = open(argv[++i], flags);
                    if (fd < 0) printf("open %s\n", err(errno));
                    else { fds[nfds] = fd; printf("open %d\n", nfds++); }
                } else if (!strcmp(op, "write")) {
                    int fd = fds[atoi(argv[i + 1])];
                    size_t len = (size_t)atol(argv[i + 2]);
                    unsigned char *b = calloc(len + 1, 1);
                    b[0] = (unsigned char)atoi(argv[i + 3]);
                    i += 3;
                    ssize_t r = write(fd, b, len);
                    if (r < 0) printf("write %s\n", err(errno)); else printf("write %zd\n", r);
                    free(b);
                } else if (!strcmp(op, "read") || !strcmp(op, "alarmread")) {
                    int fd = fds[atoi(argv[i + 1])];
                    size_t len = (size_t)atol(argv[i + 2]);
                    i += 2;
                    unsigned char *b = calloc(len + 4, 1);
                    if (op[0] == 'a') {
                        struct sigaction sa;
                        memset(&sa, 0, sizeof sa);
                        sa.sa_handler = on_alarm;   /* no SA_RESTART: the read must fail */
                        sigaction(SIGALRM, &sa, NULL);
                        alarm(1);
                    }
                    ssize_t r = read(fd, b, len);
                    alarm(0);
                    if (r < 0) printf("read %s\n", err(errno));
                    else printf("read %zd first=%u\n", r, (unsigned)(b[0] | b[1] << 8 | b[2] << 16 | (unsigned)b[3] << 24));
                    free(b);
                } else if (!strcmp(op, "poll")) {
                    struct pollfd p = { .fd = fds[atoi(argv[i + 1])], .events = POLLIN };
                    int r = poll(&p, 1, atoi(argv[i + 2]));
                    i += 2;
                    if (r < 0) printf("poll %s\n", err(errno)); else printf("poll 0x%x\n", (unsigned)p.revents);
                } else if (!strcmp(op, "close")) {
                    close(fds[atoi(argv[++i])]);
                    printf("close\n");
                } else {
                    printf("bad step %s\n", op);
                    return 2;
                }
                fflush(stdout);
            }
            return 0;
        }
        """;

    static readonly Lazy<string> Binary = new(Compile);

    public static string Path => Binary.Value;

    static string Compile()
    {
        // Next to the test assembly: rebuilt once per run, no litter in /tmp.
        string dir = System.IO.Path.Combine(AppContext.BaseDirectory, "rawclient");
        Directory.CreateDirectory(dir);
        string c = System.IO.Path.Combine(dir, "rawclient.c");
        string exe = System.IO.Path.Combine(dir, "rawclient");
        File.WriteAllText(c, Source);
        var psi = new ProcessStartInfo("gcc", ["-std=gnu11", "-O1", "-Wall", "-Werror", "-o", exe, c])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "gcc failed:\n" + output);
        return exe;
    }
}
