using System.Globalization;
using System.Text;

namespace ModelManifest.Generator.Helpers;

/// <summary>C# literals of manifest values: strings (escaped so text can never end a literal early) and numbers.</summary>
internal static class CSharpLiterals
{
    /// <summary>A regular C# string literal; escapes everything that could end a line or is not printable.</summary>
    public static string StringLiteral(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        builder.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\0': builder.Append("\\0"); break;
                default:
                    if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029' || char.IsSurrogate(c) || c == '\uFEFF' || c == '\uFFFE' || c == '\uFFFF')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>A <c>long</c> literal.</summary>
    public static string Int64Literal(long value) => value.ToString(CultureInfo.InvariantCulture) + "L";

    /// <summary>An <c>int</c> literal (the caller checked the range).</summary>
    public static string Int32Literal(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A <c>double</c> literal that round-trips, infinities included.</summary>
    public static string DoubleLiteral(double value)
    {
        if (double.IsPositiveInfinity(value))
        {
            return "double.PositiveInfinity";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "double.NegativeInfinity";
        }

        return value.ToString("R", CultureInfo.InvariantCulture) + "d";
    }

    /// <summary>A <c>bool</c> literal.</summary>
    public static string BoolLiteral(bool value) => value ? "true" : "false";

    /// <summary>
    /// A <c>new byte[] { … }</c> expression (decimal, 32 values a line), for compilers without UTF-8 string literals;
    /// assigned to a <c>ReadOnlySpan&lt;byte&gt;</c> property it compiles to static data, not a heap array.
    /// </summary>
    public static string ByteArray(byte[] bytes)
    {
        var builder = new StringBuilder(bytes.Length * 4 + 16);
        builder.Append("new byte[] {");
        for (int i = 0; i < bytes.Length; i++)
        {
            builder.Append(i % 32 == 0 ? "\n        " : " ").Append(bytes[i].ToString(CultureInfo.InvariantCulture)).Append(',');
        }

        return builder.Append(" }").ToString();
    }
}
