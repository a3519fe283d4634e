using System.Runtime.InteropServices;

namespace HvDaemons.Os;

internal static unsafe partial class Interop
{
    /// <summary>gai_strerror(3): static text for an EAI_* code.</summary>
    [LibraryImport("libc")]
    internal static partial byte* gai_strerror(int errcode);
}
