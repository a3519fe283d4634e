/* The fcopy yardstick: the work every fcopy daemon must do and nothing more, written the way
 * a plain C daemon does it: one blocking read per message, open on START, pwrite per
 * fragment, fsync and close on COMPLETE, a 4-byte status per reply. No name checks, no
 * overwrite rules: a bench aid, never a daemon. Built and run only by bench/. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#define MAX_PATH 260                               /* W_MAX_PATH, UTF-16 units */
#define HEADER 36                                  /* operation + two service GUIDs */
#define FILE_NAME HEADER
#define PATH_NAME (FILE_NAME + 2 * MAX_PATH)
#define WRITE_OFFSET (HEADER + 4)
#define WRITE_SIZE (WRITE_OFFSET + 8)
#define WRITE_DATA (WRITE_SIZE + 4)
#define FRAGMENT 6144
#define START 0
#define WRITE 1
#define COMPLETE 2

static unsigned char msg[WRITE_DATA + FRAGMENT];

/* The char device's kernel side hands names over as NUL-terminated UTF-8 (docs/protocol.md). */
static void name_of(const unsigned char *field, char *out, size_t room)
{
    size_t i = 0;
    for (; i + 1 < room && i < 2 * MAX_PATH && field[i]; i++) out[i] = (char)field[i];
    out[i] = 0;
}

int main(void)
{
    int dev = open("/dev/vmbus/hv_fcopy", O_RDWR | O_CLOEXEC), file = -1;
    uint32_t version = 1;
    if (dev < 0 || write(dev, &version, 4) != 4) return 1;
    if (read(dev, msg, sizeof msg) <= 0) return 1;  /* the kernel's version reply */
    for (;;) {
        ssize_t n = read(dev, msg, sizeof msg);
        if (n < 0 && errno == EINTR) continue;     /* a tracer attaching (bench syscall pass) */
        if (n <= 0) return 1;
        uint32_t op, size, status = 0x80004005;    /* HV_E_FAIL */
        uint64_t offset;
        memcpy(&op, msg, 4);
        if (op == START) {
            char name[2 * MAX_PATH + 1], dir[2 * MAX_PATH + 1], path[4 * MAX_PATH + 2];
            name_of(msg + FILE_NAME, name, sizeof name);
            name_of(msg + PATH_NAME, dir, sizeof dir);
            strcpy(path, dir);
            strcat(path, "/");
            strcat(path, name);
            file = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0744);
            if (file >= 0) status = 0;
        } else if (op == WRITE && file >= 0) {
            memcpy(&offset, msg + WRITE_OFFSET, 8);
            memcpy(&size, msg + WRITE_SIZE, 4);
            if (size <= FRAGMENT && pwrite(file, msg + WRITE_DATA, size, (off_t)offset) == (ssize_t)size) status = 0;
        } else if (op == COMPLETE && file >= 0) {
            if (fsync(file) == 0) status = 0;
            close(file);
            file = -1;
        }
        if (write(dev, &status, 4) != 4) return 1;
    }
}
