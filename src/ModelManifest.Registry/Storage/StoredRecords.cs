namespace ModelManifest.Registry.Storage;

/// <summary>
/// One published version: its own manifest document (this model and the assets it references) and the canonical digest
/// of its assets (<c>assetKey=sha256</c>, sorted, comma-separated: equal digests = same bytes).
/// </summary>
internal sealed record VersionRecord(string ModelId, string Version, string Digest, string Document, string? Stage, DateTimeOffset PublishedAt);

/// <summary>Where an alias points now.</summary>
internal sealed record AliasRecord(string ModelId, string Alias, string Version, DateTimeOffset UpdatedAt);

/// <summary>One move of an alias, written in the same transaction as the move.</summary>
internal sealed record AliasChange(string ModelId, string Alias, string Version, string? PreviousVersion, DateTimeOffset ChangedAt, string? ChangedBy);

/// <summary>The outcome of a publish: created, identical to what exists, or in conflict with the existing digest.</summary>
internal sealed record PublishOutcome(PublishKind Kind, VersionRecord Existing);

internal enum PublishKind
{
    Created,
    Identical,
    Conflict,
}

/// <summary>An API token as stored: the sha256 of the secret, never the secret.</summary>
internal sealed record TokenRecord(string Id, string Name, IReadOnlyList<string> Scopes, string Hash, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>The whole catalog at one revision: every version and every alias.</summary>
internal sealed record CatalogData(long Revision, IReadOnlyList<VersionRecord> Versions, IReadOnlyList<AliasRecord> Aliases);

/// <summary>A register-by-URL job as stored.</summary>
internal sealed record JobRecord
{
    public required string Id { get; init; }

    public required string Url { get; init; }

    public required string ModelId { get; init; }

    public required string Version { get; init; }

    public string? Sha256 { get; init; }

    public long? Size { get; init; }

    public string? FileName { get; init; }

    public required string Status { get; init; }

    public long BytesDone { get; init; }

    public long? TotalBytes { get; init; }

    public string? ErrorCode { get; init; }

    public string? ErrorDetail { get; init; }

    /// <summary>How many times a server started working on it (a restart in the middle makes it more than one).</summary>
    public int Attempts { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? LeaseUntil { get; init; }
}

/// <summary>The job statuses of REGISTRY-API.md.</summary>
internal static class JobStatus
{
    public const string Pending = "pending";
    public const string Downloading = "downloading";
    public const string Ready = "ready";
    public const string Failed = "failed";
}
