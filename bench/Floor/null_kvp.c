/* The KVP floor: registers on /dev/vmbus/hv_kvp and answers every request HV_S_OK without
 * looking at it. Its CPU time and syscalls are the device round trip alone (one read, one
 * write per request), the cost no daemon can go below. Built and run only by bench/. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define KVP_MESSAGE_SIZE 7432   /* sizeof(struct hv_kvp_msg), docs/protocol.md */
#define KVP_OP_REGISTER1 100

static unsigned char msg[KVP_MESSAGE_SIZE];

int main(void)
{
    int fd = open("/dev/vmbus/hv_kvp", O_RDWR | O_CLOEXEC);
    if (fd < 0) return 1;
    msg[0] = KVP_OP_REGISTER1;
    if (write(fd, msg, sizeof msg) != (ssize_t)sizeof msg) return 1;
    if (read(fd, msg, sizeof msg) <= 0) return 1;   /* the kernel's registration reply */
    for (;;) {
        ssize_t n = read(fd, msg, sizeof msg);
        if (n < 0 && errno == EINTR) continue;     /* a tracer attaching (bench syscall pass) */
        if (n <= 0) return 1;
        memset(msg, 0, 4);                          /* error = HV_S_OK */
        if (write(fd, msg, sizeof msg) != (ssize_t)sizeof msg) return 1;
    }
}
