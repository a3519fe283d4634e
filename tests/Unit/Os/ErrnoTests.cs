using HvDaemons.Os;
using Xunit;

namespace HvDaemons.Tests.Os;

/// <summary>The errno text every failure line carries.</summary>
public sealed class ErrnoTests
{
    [Fact]
    public void An_errno_reads_as_upstream_and_our_own_lines_add_its_name()
    {
        Assert.Equal("16 Device or resource busy", Errno.Describe(Errno.EBUSY));
        Assert.Equal("16 Device or resource busy (EBUSY)", Errno.DescribeNamed(Errno.EBUSY));
        Assert.Equal("28 No space left on device (ENOSPC)", Errno.DescribeNamed(Errno.ENOSPC));
        Assert.Equal("error 30 Read-only file system (EROFS)", SysResult.Fail(Errno.EROFS).ToString());
    }

    [Fact]
    public void An_errno_without_a_member_keeps_its_number_and_text()
    {
        var enosys = (Errno)38;
        Assert.Null(enosys.Name());
        Assert.Equal("38 Function not implemented", Errno.DescribeNamed(enosys));
    }

    [Fact]
    public void A_failed_call_reports_the_errno_libc_set()
    {
        SysResult r = Posix.Open("/nonexistent/hvd-errno-test", Posix.O_RDONLY, 0, out FileDescriptor fd);
        using (fd)
        {
            Assert.Equal(Errno.ENOENT, r.Error);
            Assert.True(fd.IsInvalid);
        }
    }
}
