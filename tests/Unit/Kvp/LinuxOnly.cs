// The KVP tests use Unix file modes, mounts and network namespaces: Linux only, like the daemons.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
