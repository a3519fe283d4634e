[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("HvDaemons.BlackBox")]
