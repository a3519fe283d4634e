using System;
using System.Diagnostics;
using System.IO;

namespace HvDaemons.Tests.Fcopy;

/// <summary>
/// The host side of the VMBus ring (docs/protocol.md §7.2, §7.3) written independently in C and run
/// as another process over a file both map, so VmbusRing is checked against a second
/// implementation and across a real process boundary (no shared code, no shared cache lines
/// by accident of one address space).
///
/// File layout: guest TX ring (host reads it) at 0, guest RX ring (host writes it) at ring_bytes.
/// Modes:
///   echo N SEED MAXUNITS  write packets 0..N-1 into RX, read N echoes back from TX, verify
///   fill SEED UNITS       write fixed-size packets into RX until full; print the count
///   drain N SEED          read N packets from TX, verify content and trailers; print the count
/// Packet i: type 6, hlen 2, tlen from the generator, flags 0, transaction id i, payload from
/// the generator. Exit status 0 = all verified.
/// </summary>
static class RingHostProgram
{
    public const string Source = """
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <time.h>
#include <sys/mman.h>

#define CTRL 4096
struct ring { uint8_t *ctl; uint8_t *data; uint32_t size; };

static uint32_t ld(uint8_t *p) { return __atomic_load_n((uint32_t *)p, __ATOMIC_ACQUIRE); }
static void st(uint8_t *p, uint32_t v) { __atomic_store_n((uint32_t *)p, v, __ATOMIC_RELEASE); }
static uint32_t next(uint32_t *s) { *s ^= *s << 13; *s ^= *s >> 17; *s ^= *s << 5; return *s; }

/* Packet i of a stream: fills buf, returns its length in bytes (without trailer). */
static uint32_t make(uint8_t *buf, uint32_t i, uint32_t seed, uint32_t maxunits, int fixed)
{
    uint32_t s = seed * 0x9E3779B1u + i * 7919u + 1u;
    uint32_t units = fixed ? maxunits : 2 + 1 + next(&s) % maxunits;
    uint32_t len = units * 8;
    uint16_t type = 6, hlen = 2, tlen = (uint16_t)units, flags = 0;
    uint64_t id = i;
    memcpy(buf, &type, 2); memcpy(buf + 2, &hlen, 2); memcpy(buf + 4, &tlen, 2);
    memcpy(buf + 6, &flags, 2); memcpy(buf + 8, &id, 8);
    for (uint32_t k = 16; k < len; k++) buf[k] = (uint8_t)next(&s);
    return len;
}

static uint32_t avail_read(struct ring *r) {
    uint32_t w = ld(r->ctl), rd = ld(r->ctl + 4);
    return w >= rd ? w - rd : r->size - rd + w;
}

static int put(struct ring *r, const uint8_t *p, uint32_t len)
{
    uint32_t w = ld(r->ctl), rd = ld(r->ctl + 4);
    uint32_t free_ = w >= rd ? r->size - (w - rd) : rd - w;
    if (free_ <= len + 8) return 0;
    for (uint32_t k = 0; k < len; k++) r->data[(w + k) % r->size] = p[k];
    uint64_t trailer = (uint64_t)w << 32;
    for (uint32_t k = 0; k < 8; k++) r->data[(w + len + k) % r->size] = ((uint8_t *)&trailer)[k];
    st(r->ctl, (w + len + 8) % r->size);
    return 1;
}

/* Reads one packet; returns its length, 0 if empty, -1 on a bad descriptor or trailer. */
static int get(struct ring *r, uint8_t *p, uint32_t cap)
{
    uint32_t n = avail_read(r);
    if (n == 0) return 0;
    uint32_t rd = ld(r->ctl + 4);
    uint8_t d[16];
    for (uint32_t k = 0; k < 16; k++) d[k] = r->data[(rd + k) % r->size];
    uint16_t hlen, tlen; memcpy(&hlen, d + 2, 2); memcpy(&tlen, d + 4, 2);
    uint32_t len = tlen * 8u;
    if (hlen < 2 || hlen > tlen || len + 8 > n || len > cap) { fprintf(stderr, "bad descriptor hlen %u tlen %u avail %u\n", hlen, tlen, n); return -1; }
    for (uint32_t k = 0; k < len; k++) p[k] = r->data[(rd + k) % r->size];
    uint64_t trailer = 0;
    for (uint32_t k = 0; k < 8; k++) ((uint8_t *)&trailer)[k] = r->data[(rd + len + k) % r->size];
    if (trailer != ((uint64_t)rd << 32)) { fprintf(stderr, "bad trailer %llx at %u\n", (unsigned long long)trailer, rd); return -1; }
    st(r->ctl + 4, (rd + len + 8) % r->size);
    return (int)len;
}

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

int main(int argc, char **argv)
{
    if (argc < 4) return 64;
    uint32_t ring_bytes = (uint32_t)strtoul(argv[2], 0, 0);
    int fd = open(argv[1], O_RDWR);
    if (fd < 0) { perror("open"); return 65; }
    uint8_t *m = mmap(0, 2 * (size_t)ring_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) { perror("mmap"); return 66; }
    struct ring tx = { m, m + CTRL, ring_bytes - CTRL }, rx = { m + ring_bytes, m + ring_bytes + CTRL, ring_bytes - CTRL };
    uint8_t *out = malloc(ring_bytes), *in = malloc(ring_bytes), *want = malloc(ring_bytes);
    double deadline = now() + 30;

    if (!strcmp(argv[3], "echo")) {
        uint32_t n = strtoul(argv[4], 0, 0), seed = strtoul(argv[5], 0, 0), maxunits = strtoul(argv[6], 0, 0);
        uint32_t sent = 0, got = 0, pending = 0;
        while (got < n) {
            if (now() > deadline) { fprintf(stderr, "timeout: sent %u got %u\n", sent, got); return 2; }
            if (sent < n) {
                if (!pending) pending = make(out, sent, seed, maxunits, 0);
                if (put(&rx, out, pending)) { sent++; pending = 0; }
            }
            int len = get(&tx, in, ring_bytes);
            if (len < 0) return 3;
            if (len > 0) {
                uint32_t wl = make(want, got, seed, maxunits, 0);
                if ((uint32_t)len != wl || memcmp(in, want, wl)) { fprintf(stderr, "echo %u differs\n", got); return 4; }
                got++;
            }
        }
        printf("%u\n", got);
        return 0;
    }
    if (!strcmp(argv[3], "fill")) {
        uint32_t seed = strtoul(argv[4], 0, 0), units = strtoul(argv[5], 0, 0), count = 0;
        for (;;) {
            uint32_t len = make(out, count, seed, units, 1);
            if (!put(&rx, out, len)) break;
            count++;
        }
        printf("%u\n", count);
        return 0;
    }
    if (!strcmp(argv[3], "drain")) {
        uint32_t n = strtoul(argv[4], 0, 0), seed = strtoul(argv[5], 0, 0), units = strtoul(argv[6], 0, 0), count = 0;
        for (;;) {
            int len = get(&tx, in, ring_bytes);
            if (len < 0) return 3;
            if (len == 0) break;
            uint32_t wl = make(want, count, seed, units, 1);
            if ((uint32_t)len != wl || memcmp(in, want, wl)) { fprintf(stderr, "packet %u differs\n", count); return 4; }
            count++;
        }
        printf("%u\n", count);
        return count == n ? 0 : 5;
    }
    return 64;
}
""";

    static string? _binary;
    static readonly object Gate = new();

    /// <summary>Compiles the host once per test run.</summary>
    public static string Binary
    {
        get
        {
            lock (Gate)
            {
                if (_binary is not null) return _binary;
                string dir = Directory.CreateTempSubdirectory("hvd-ringhost-").FullName;
                File.WriteAllText(Path.Combine(dir, "ringhost.c"), Source);
                string bin = Path.Combine(dir, "ringhost");
                var (code, output) = Run("gcc", ["-std=gnu11", "-O2", "-Wall", "-Werror", "-o", bin, Path.Combine(dir, "ringhost.c")]);
                if (code != 0) throw new InvalidOperationException("ringhost does not compile:\n" + output);
                return _binary = bin;
            }
        }
    }

    public static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo(Binary, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        return Process.Start(psi)!;
    }

    public static (int Code, string Output) Run(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }
}
