namespace HvDaemons.Wire;

/// <summary>Byte layouts of <c>hv_fcopy_hdr</c>, <c>hv_start_fcopy</c> and <c>hv_do_fcopy</c>.</summary>
public static class FcopyLayout
{
    public const int MaxPath = 260;        // W_MAX_PATH, UTF-16 units
    public const int NameFieldLength = MaxPath * 2;
    public const int DataFragment = 6 * 1024;
    public const int ServiceIdLength = 16;

    // hv_fcopy_hdr
    public const int Operation = 0;
    public const int ServiceId0 = Operation + 4;
    public const int ServiceId1 = ServiceId0 + ServiceIdLength;
    public const int HeaderSize = ServiceId1 + ServiceIdLength;

    // hv_start_fcopy
    public const int FileName = HeaderSize;
    public const int PathName = FileName + NameFieldLength;
    public const int CopyFlags = PathName + NameFieldLength;
    public const int FileSize = CopyFlags + 4;
    public const int StartSize = FileSize + 8;

    // hv_do_fcopy
    public const int WritePad = HeaderSize;
    public const int WriteOffset = WritePad + 4;
    public const int WriteSize = WriteOffset + 8;
    public const int WriteData = WriteSize + 4;
    public const int WriteMessageSize = WriteData + DataFragment;

    /// <summary>The largest message the char device hands the daemon.</summary>
    public const int MaxMessageSize = WriteMessageSize;
    /// <summary>Replies and the registration are a bare 32-bit int.</summary>
    public const int ReplySize = 4;
}

/// <summary>hv_fcopy_op, copy flags and versions.</summary>
public static class FcopyOp
{
    public const uint StartFileCopy = 0;
    public const uint WriteToFile = 1;
    public const uint CompleteFcopy = 2;
    public const uint CancelFcopy = 3;
    public const uint OverWrite = 0x1;
    public const uint CreatePath = 0x2;
    public const uint Version0 = 0;
    public const uint Version1 = 1;
    public const uint CurrentVersion = Version1;

    public static string Name(uint op) => op switch
    {
        StartFileCopy => "START_FILE_COPY",
        WriteToFile => "WRITE_TO_FILE",
        CompleteFcopy => "COMPLETE_FCOPY",
        CancelFcopy => "CANCEL_FCOPY",
        _ => "op " + op,
    };
}
