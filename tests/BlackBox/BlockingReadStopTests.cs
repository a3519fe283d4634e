using System;
using HvDaemons.BlackBox.Kvp;
using HvDaemons.HostSim.Host;
using HvDaemons.Tests.Fcopy;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.BlackBox;

/// <summary>
/// hv_kvp_daemon and hv_fcopy_daemon wait for the char device in a blocking read, not in a
/// poll: SIGTERM and SIGINT must still end them at once and cleanly, also when the signal
/// arrives just as the loop goes back to reading after a reply.
/// </summary>
public sealed class BlockingReadStopTests
{
    const int SIGINT = 2, SIGTERM = 15;

    [SkippableTheory]
    [InlineData(SIGTERM, "SIGTERM")]
    [InlineData(SIGINT, "SIGINT")]
    public void AnIdleDaemonStopsOnTheSignal(int signal, string name)
    {
        using var d = KvpDaemon.Start();
        Assert.True(d.Sandbox.Signal(signal));
        Assert.Equal(0, d.Sandbox.WaitForExit(TimeSpan.FromSeconds(10)));
        Assert.NotNull(d.Log.WaitFor("stopping on " + name, TimeSpan.FromSeconds(5)));
    }

    [SkippableFact]
    public void SigtermRightAfterAReplyStopsTheDaemonEveryTime()
    {
        for (int round = 0; round < 10; round++)
        {
            using var d = KvpDaemon.Start();
            Assert.True(d.Kvp.Set(KvpPoolId.Guest, "k", "v" + round).Ok);
            // The loop is on its way back into read(): the window the repeated wake covers.
            Assert.True(d.Sandbox.Signal(SIGTERM));
            Assert.True(d.Sandbox.WaitForExit(TimeSpan.FromSeconds(10)) == 0, "round " + round + ":\n" + d.Describe());
        }
    }

    [SkippableFact]
    public void FcopyStopsOnSigintWhileWaitingForTheNextFragment()
    {
        BlackBoxEnvironment.RequireSandbox();
        BlackBoxEnvironment.Daemon("hv_fcopy_daemon");
        string dir = System.IO.Directory.CreateTempSubdirectory("hvd-fcopy-stop-").FullName;
        try
        {
            using var host = new CharDeviceFcopyHost(dir);
            Assert.Equal(HvStatus.S_OK, host.Send(FcopyMessages.Start(dir, "partial", 0, HvDaemons.Fcopy.NameEncoding.Utf8)));
            Assert.Equal(HvStatus.S_OK, host.Send(FcopyMessages.Write(0, new byte[100])));
            Assert.True(host.Sandbox.Signal(SIGINT));
            Assert.Equal(0, host.Sandbox.WaitForExit(TimeSpan.FromSeconds(10)));
            Assert.False(System.IO.File.Exists(host.Sandbox.HostPath(System.IO.Path.Combine(dir, "partial"))), "the partial file was left behind");
        }
        finally
        {
            System.IO.Directory.Delete(dir, recursive: true);
        }
    }
}
