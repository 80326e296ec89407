namespace ModelManifest.Registry.Storage;

/// <summary>
/// Where the registry keeps its metadata (models, versions, aliases and their history, stages, tokens, jobs): SQLite
/// in the data folder for one instance, PostgreSQL for many. Every write is one transaction that also bumps the
/// catalog revision, so readers on any instance see a whole change or none and can cache by revision.
/// </summary>
internal interface IMetadataStore
{
    /// <summary>Creates or upgrades the schema; idempotent and safe when several instances start at once.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Answers when the database does (for /readyz).</summary>
    Task PingAsync(CancellationToken cancellationToken);

    /// <summary>The catalog revision: it changes with every publish, stage change and alias move.</summary>
    Task<long> GetRevisionAsync(CancellationToken cancellationToken);

    Task<CatalogData> LoadCatalogAsync(CancellationToken cancellationToken);

    /// <summary>Inserts the version unless it exists; the digest comparison happens in the same transaction.</summary>
    Task<PublishOutcome> PublishAsync(VersionRecord version, CancellationToken cancellationToken);

    /// <summary>Sets a version's registry stage; false when the version does not exist.</summary>
    Task<bool> SetStageAsync(string modelId, string version, string stage, CancellationToken cancellationToken);

    /// <summary>Moves (or creates) an alias atomically with its history row; null when the version does not exist.</summary>
    Task<AliasChange?> MoveAliasAsync(string modelId, string alias, string version, string? changedBy, CancellationToken cancellationToken);

    /// <summary>Removes an alias (history keeps a row with an empty version); false when it did not exist.</summary>
    Task<bool> DeleteAliasAsync(string modelId, string alias, string? changedBy, CancellationToken cancellationToken);

    Task<IReadOnlyList<AliasChange>> GetAliasHistoryAsync(string modelId, CancellationToken cancellationToken);

    Task CreateTokenAsync(TokenRecord token, CancellationToken cancellationToken);

    Task<TokenRecord?> FindTokenByHashAsync(string hash, CancellationToken cancellationToken);

    Task<IReadOnlyList<TokenRecord>> ListTokensAsync(CancellationToken cancellationToken);

    Task<bool> RevokeTokenAsync(string id, CancellationToken cancellationToken);

    Task CreateJobAsync(JobRecord job, CancellationToken cancellationToken);

    Task<JobRecord?> GetJobAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the oldest job that is pending, or downloading with an expired lease (its server stopped), marks it
    /// downloading with a lease until <paramref name="leaseUntil"/> and one more attempt; null when there is none.
    /// </summary>
    Task<JobRecord?> ClaimJobAsync(DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>Records progress and extends the lease.</summary>
    Task UpdateJobProgressAsync(string id, long bytesDone, long? totalBytes, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>Gives a job back at shutdown (status kept, lease cleared): the next start, or another instance, takes it at once.</summary>
    Task ReleaseJobAsync(string id, CancellationToken cancellationToken);

    /// <summary>Ends a job: ready, or failed with a code and a one-line detail.</summary>
    Task FinishJobAsync(string id, string status, string? errorCode, string? errorDetail, CancellationToken cancellationToken);
}
