using System;
using HvDaemons.HostSim.Kernel;
using HvDaemons.HostSim.Sandbox;

var kernel = new SimKernel(new SimKernelOptions { KvpTimeout = TimeSpan.FromSeconds(2) });
kernel.Kvp.Event += l => Console.WriteLine("kvp: " + l);
using var sb = Sandbox.Start(kernel, SandboxSpec.ForDaemon(args[0], "hv_kvp_daemon"));
bool ok = kernel.Kvp.WaitReady(TimeSpan.FromSeconds(10));
Console.WriteLine("ready " + ok); if (!ok) { Console.WriteLine(sb.Describe()); return 1; }
byte[] m = new byte[7432]; m[0] = 0; m[1] = 0;
var a = kernel.Kvp.Submit(m).Result;
Console.WriteLine(a.Status.ToString("X") + " " + a.Source);
Console.WriteLine(sb.Describe());
return 0;
