using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace ModelManifest.Generator.Helpers;

/// <summary>C# spelling: identifiers from manifest ids, literals, and XML documentation text.</summary>
internal static class CSharp
{
    /// <summary>
    /// A readable PascalCase identifier: separators ('-', '.', ':', '_', '+', spaces, anything that is not a letter or
    /// digit) split words, each word starts upper case (<c>aifs-single-1.0</c> → <c>AifsSingle10</c>,
    /// <c>llama3:8b</c> → <c>Llama38b</c>). A name starting with a digit gets <paramref name="digitPrefix"/>;
    /// a keyword is escaped with '@'.
    /// </summary>
    public static string ToIdentifier(string text, string digitPrefix = "_")
    {
        var builder = new StringBuilder(text.Length);
        bool upperNext = true;
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c) && SyntaxFacts.IsIdentifierPartCharacter(c) && c < 0x10000)
            {
                builder.Append(upperNext ? char.ToUpperInvariant(c) : c);
                upperNext = false;
            }
            else
            {
                upperNext = true;
            }
        }

        if (builder.Length == 0)
        {
            return digitPrefix + "Unnamed";
        }

        if (!SyntaxFacts.IsIdentifierStartCharacter(builder[0]))
        {
            builder.Insert(0, digitPrefix);
        }

        return EscapeKeyword(builder.ToString());
    }

    /// <summary>camelCase of a PascalCase identifier, keyword-escaped (constructor parameters).</summary>
    public static string ToParameterName(string identifier)
    {
        string bare = identifier.TrimStart('@');
        string camel = char.ToLowerInvariant(bare[0]) + bare.Substring(1);
        return EscapeKeyword(camel);
    }

    /// <summary>The version part of a member name: <c>1.0.0</c> → <c>1_0_0</c>; build metadata is ignored.</summary>
    public static string VersionSuffix(string version)
    {
        int plus = version.IndexOf('+');
        string core = plus < 0 ? version : version.Substring(0, plus);
        var builder = new StringBuilder(core.Length);
        foreach (char c in core)
        {
            builder.Append(c < 0x80 && char.IsLetterOrDigit(c) ? c : '_');
        }

        return builder.ToString();
    }

    public static string EscapeKeyword(string name)
        => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None
            ? "@" + name
            : name;

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

    public static string Int64Literal(long value) => value.ToString(CultureInfo.InvariantCulture) + "L";

    public static string Int32Literal(long value) => value.ToString(CultureInfo.InvariantCulture);

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

    public static string BoolLiteral(bool value) => value ? "true" : "false";

    /// <summary>
    /// Text for XML documentation: escaped, characters XML forbids removed, and split at every character C# treats
    /// as a line break, so a manifest's text can never end a <c>///</c> comment early.
    /// </summary>
    public static IEnumerable<string> XmlDocLines(string text)
    {
        var line = new StringBuilder();
        var lines = new List<string>();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                lines.Add(line.ToString());
                line.Clear();
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                line.Append(c).Append(text[++i]);
                continue;
            }

            switch (c)
            {
                case '&': line.Append("&amp;"); break;
                case '<': line.Append("&lt;"); break;
                case '>': line.Append("&gt;"); break;
                default:
                    bool allowed = c == '\t' || (c >= 0x20 && c != 0x7F && !(c >= 0x80 && c <= 0x9F) && !char.IsSurrogate(c) && c != '\uFFFE' && c != '\uFFFF' && c != '\uFEFF');
                    if (allowed)
                    {
                        line.Append(c);
                    }

                    break;
            }
        }

        lines.Add(line.ToString());
        var result = new List<string>(lines.Count);
        foreach (string l in lines)
        {
            result.Add(l.TrimEnd());
        }

        return result;
    }
}
