namespace ModelManifest.Checkpoints;

/// <summary>Protobuf wire-format primitives (tags, length prefixes, strings, skipping), each checked against the enclosing message.</summary>
internal static class ProtobufWire
{
    /// <summary>Longest string field read.</summary>
    public const long MaxStringLength = 16 << 20;

    internal static (int Field, int Wire, long At) ReadTag(BinaryCursor c, long end)
    {
        long at = c.Position;
        ulong tag = c.ReadVarint("field tag");
        int field = (int)Math.Min(tag >> 3, int.MaxValue);
        if (field == 0)
        {
            throw c.Error(at, "field number 0 is invalid (not a protobuf message, or corrupt)");
        }

        if (c.Position > end)
        {
            throw c.Error(at, "field tag runs past the end of its message");
        }

        return (field, (int)(tag & 7), at);
    }

    /// <summary>Reads a length prefix and returns the absolute end of the payload, checked against the parent's end.</summary>
    internal static long ReadLengthEnd(BinaryCursor c, long parentEnd, string what)
    {
        long at = c.Position;
        ulong length = c.ReadVarint(what + " length");
        if (length > (ulong)(parentEnd - c.Position))
        {
            throw c.Error(at, $"{what} length {length} runs past the end of its enclosing message ({parentEnd - c.Position} bytes left)");
        }

        return c.Position + (long)length;
    }

    internal static string ReadString(BinaryCursor c, long parentEnd, string what)
    {
        long end = ReadLengthEnd(c, parentEnd, what);
        return c.ReadUtf8((ulong)(end - c.Position), MaxStringLength, what);
    }

    internal static void SkipField(BinaryCursor c, int wire, long end, long at, int field)
    {
        switch (wire)
        {
            case 0: c.ReadVarint($"field {field}"); break;
            case 1: c.Skip(8, $"field {field}"); break;
            case 2: c.Seek(ReadLengthEnd(c, end, $"field {field}")); break;
            case 5: c.Skip(4, $"field {field}"); break;
            default: throw c.Error(at, $"field {field} has unsupported wire type {wire}");
        }

        if (c.Position > end)
        {
            throw c.Error(at, $"field {field} runs past the end of its message");
        }
    }
}
