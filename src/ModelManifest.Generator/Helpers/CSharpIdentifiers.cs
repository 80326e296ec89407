using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace ModelManifest.Generator.Helpers;

/// <summary>C# names made from manifest text: type, member and parameter identifiers, keyword-escaped.</summary>
internal static class CSharpIdentifiers
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

    /// <summary>A keyword or contextual keyword gets an '@' so it can be used as a name.</summary>
    public static string EscapeKeyword(string name)
        => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None
            ? "@" + name
            : name;
}
