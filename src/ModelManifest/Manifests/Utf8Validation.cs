using System.Text;
using System.Text.Unicode;

namespace ModelManifest;

/// <summary>Strict UTF-8 checking that reports where the first bad byte is, so the diagnostic can point at it.</summary>
internal static class Utf8Validation
{
    private static readonly UTF8Encoding s_strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes strictly; on failure returns false with the offset of the first invalid byte.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out string text, out int invalidOffset)
    {
        invalidOffset = -1;
        if (Utf8.IsValid(bytes))
        {
            text = s_strict.GetString(bytes);
            return true;
        }

        // Walk forward by valid prefixes to find the first invalid byte.
        int offset = 0;
        while (offset < bytes.Length)
        {
            var status = System.Text.Rune.DecodeFromUtf8(bytes[offset..], out _, out int consumed);
            if (status != System.Buffers.OperationStatus.Done)
            {
                invalidOffset = offset;
                break;
            }

            offset += consumed;
        }

        text = string.Empty;
        return false;
    }
}
