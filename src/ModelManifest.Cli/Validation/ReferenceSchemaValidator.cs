using NJsonSchema;
using NJsonSchema.Validation;

namespace ModelManifest.Cli.Validation;

/// <summary>
/// Full JSON Schema validation by NJsonSchema, the reference validator: run beside our own reader so the two
/// verdicts can be compared (the differential tests do the same over thousands of mutated manifests).
/// </summary>
internal sealed class ReferenceSchemaValidator
{
    private readonly JsonSchema _schema;

    private ReferenceSchemaValidator(JsonSchema schema) => _schema = schema;

    /// <summary>Loads the schema text (normally the published schema embedded in the runtime library).</summary>
    public static ReferenceSchemaValidator Create(string schemaText)
        => new(JsonSchema.FromJsonAsync(schemaText).GetAwaiter().GetResult());

    /// <summary>Validates JSON text; returns the reference validator's errors, or one parse error when the text is not JSON.</summary>
    public IReadOnlyList<ReferenceFinding> Validate(string json)
    {
        try
        {
            return _schema.Validate(json)
                .SelectMany(Flatten)
                .Select(e => new ReferenceFinding(e.LineNumber, e.LinePosition, e.Path ?? "#", e.Kind.ToString()))
                .ToList();
        }
        catch (Newtonsoft.Json.JsonException e)
        {
            return [new ReferenceFinding(0, 0, "#", "NotJson: " + e.Message)];
        }
    }

    /// <summary>
    /// <see cref="Validate"/>, but a failure of the reference validator itself (NJsonSchema throws, for example an
    /// <see cref="InvalidCastException"/> on an integer of 2^63 or more) comes back as <paramref name="failure"/> (one
    /// line, no stack trace): the cross-check is a second opinion and must never take down the command.
    /// </summary>
    public bool TryValidate(string json, out IReadOnlyList<ReferenceFinding> findings, out string? failure)
    {
        try
        {
            findings = Validate(json);
            failure = null;
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            findings = [];
            failure = e.GetType().Name + ": " + e.Message.ReplaceLineEndings(" ");
            return false;
        }
    }

    private static IEnumerable<ValidationError> Flatten(ValidationError error)
    {
        yield return error;
        if (error is ChildSchemaValidationError child)
        {
            foreach (var nested in child.Errors.SelectMany(e => e.Value).SelectMany(Flatten))
            {
                yield return nested;
            }
        }
    }
}

/// <summary>One finding of the reference validator.</summary>
internal sealed record ReferenceFinding(int Line, int Column, string Path, string Kind);
