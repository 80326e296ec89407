using System;
using System.Collections.Generic;
using ModelManifest.Generator.Model;
using ModelManifest.Reading;

namespace ModelManifest.Generator;

/// <summary>
/// Loads schemas once per distinct text. The embedded manifest schema is the default; an AdditionalFile with
/// <c>ModelManifestRole=ManifestSchema</c> replaces it, one with <c>ModelManifestRole=MetadataSchema</c> describes
/// models' <c>metadata</c>. A schema that does not load is reported (MM0403) by <see cref="ModelManifestGenerator"/>
/// and ignored here.
/// </summary>
internal static class Schemas
{
    private static readonly object s_gate = new();
    private static readonly Dictionary<string, ManifestSchema?> s_loaded = new(StringComparer.Ordinal);

    public static ManifestSchema Manifest(SchemaInput input)
        => input.ManifestSchema is SchemaFile file && TryLoad(file.Text, out ManifestSchema? schema, out _) ? schema! : ManifestSchema.Embedded;

    public static ManifestSchema? Metadata(SchemaInput input)
        => input.MetadataSchema is SchemaFile file && TryLoad(file.Text, out ManifestSchema? schema, out _) ? schema : null;

    /// <summary>Loads (or finds the already loaded) schema of a text; on failure gives the reason.</summary>
    public static bool TryLoad(string text, out ManifestSchema? schema, out string? error)
    {
        lock (s_gate)
        {
            if (s_loaded.TryGetValue(text, out schema))
            {
                error = schema is null ? "it is not a usable schema" : null;
                return schema is not null;
            }
        }

        try
        {
            schema = ManifestSchema.Load(text);
            error = null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or KeyNotFoundException or InvalidOperationException or OverflowException)
        {
            schema = null;
            error = e.Message;
        }

        lock (s_gate)
        {
            if (s_loaded.Count > 16)
            {
                s_loaded.Clear();
            }

            s_loaded[text] = schema;
        }

        return schema is not null;
    }
}
