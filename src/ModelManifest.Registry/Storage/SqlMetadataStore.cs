using System.Data.Common;
using System.Globalization;

namespace ModelManifest.Registry.Storage;

/// <summary>
/// The metadata store in SQL both databases speak (TEXT/BIGINT columns, <c>ON CONFLICT</c>, named parameters).
/// Every catalog write starts by bumping the one-row <c>catalog_state</c>: that serializes writers (no lost alias
/// move, no half-seen publish) and gives readers a revision to cache by. The subclasses supply the connection, the
/// write transaction and the lock that makes concurrent migrations safe.
/// </summary>
internal abstract class SqlMetadataStore : IMetadataStore
{
    /// <summary>The schema, one entry a version; applied in order, each once (recorded in <c>schema_migrations</c>).</summary>
    private IReadOnlyList<(long Version, string[] Statements)> Migrations =>
    [
        (1,
        [
            "CREATE TABLE IF NOT EXISTS catalog_state (id BIGINT PRIMARY KEY, revision BIGINT NOT NULL)",
            "INSERT INTO catalog_state (id, revision) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
            "CREATE TABLE IF NOT EXISTS versions (model_id TEXT NOT NULL, version TEXT NOT NULL, digest TEXT NOT NULL, document TEXT NOT NULL, stage TEXT NULL, published_at TEXT NOT NULL, PRIMARY KEY (model_id, version))",
            "CREATE TABLE IF NOT EXISTS aliases (model_id TEXT NOT NULL, alias TEXT NOT NULL, version TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (model_id, alias))",
            $"CREATE TABLE IF NOT EXISTS alias_history (id {IdentityColumn}, model_id TEXT NOT NULL, alias TEXT NOT NULL, version TEXT NOT NULL, previous_version TEXT NULL, changed_at TEXT NOT NULL, changed_by TEXT NULL)",
            "CREATE INDEX IF NOT EXISTS alias_history_by_model ON alias_history (model_id, id)",
            "CREATE TABLE IF NOT EXISTS tokens (id TEXT PRIMARY KEY, name TEXT NOT NULL, scopes TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT NULL)",
            "CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, url TEXT NOT NULL, model_id TEXT NOT NULL, version TEXT NOT NULL, sha256 TEXT NULL, size BIGINT NULL, file_name TEXT NULL, status TEXT NOT NULL, bytes_done BIGINT NOT NULL, total_bytes BIGINT NULL, error_code TEXT NULL, error_detail TEXT NULL, attempts BIGINT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, lease_until TEXT NULL)",
        ]),
    ];

    /// <summary>The column definition of an auto-numbered primary key.</summary>
    protected abstract string IdentityColumn { get; }

    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>A transaction that may write (SQLite: BEGIN IMMEDIATE, so two writers never deadlock on upgrade).</summary>
    protected abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>A read-only snapshot transaction (SQLite: deferred, so it never blocks a writer).</summary>
    protected abstract Task<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="migrate"/> while no other instance can migrate the same database.</summary>
    protected abstract Task WithMigrationLockAsync(DbConnection connection, Func<DbTransaction, Task> migrate, CancellationToken cancellationToken);

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken);
        await WithMigrationLockAsync(connection, async tx =>
        {
            await ExecuteAsync(connection, tx, "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)", cancellationToken);
            var applied = new HashSet<long>();
            await using (DbDataReader reader = await Command(connection, tx, "SELECT version FROM schema_migrations").ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetInt64(0));
                }
            }

            foreach (var (version, statements) in Migrations.Where(m => !applied.Contains(m.Version)))
            {
                foreach (string statement in statements)
                {
                    await ExecuteAsync(connection, tx, statement, cancellationToken);
                }

                await ExecuteAsync(connection, tx, "INSERT INTO schema_migrations (version, applied_at) VALUES (@v, @at)", cancellationToken, ("v", version), ("at", Now()));
            }
        }, cancellationToken);
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken);
        await Command(connection, null, "SELECT revision FROM catalog_state WHERE id = 1").ExecuteScalarAsync(cancellationToken);
    }

    public async Task<long> GetRevisionAsync(CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken);
        return Convert.ToInt64(await Command(connection, null, "SELECT revision FROM catalog_state WHERE id = 1").ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<CatalogData> LoadCatalogAsync(CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken);
        // One read transaction: the revision, versions and aliases are of the same moment.
        await using DbTransaction tx = await BeginReadAsync(connection, cancellationToken);
        long revision = Convert.ToInt64(await Command(connection, tx, "SELECT revision FROM catalog_state WHERE id = 1").ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        var versions = new List<VersionRecord>();
        await using (DbDataReader r = await Command(connection, tx, "SELECT model_id, version, digest, document, stage, published_at FROM versions ORDER BY published_at, model_id, version").ExecuteReaderAsync(cancellationToken))
        {
            while (await r.ReadAsync(cancellationToken))
            {
                versions.Add(ReadVersion(r));
            }
        }

        var aliases = new List<AliasRecord>();
        await using (DbDataReader r = await Command(connection, tx, "SELECT model_id, alias, version, updated_at FROM aliases ORDER BY model_id, alias").ExecuteReaderAsync(cancellationToken))
        {
            while (await r.ReadAsync(cancellationToken))
            {
                aliases.Add(new AliasRecord(r.GetString(0), r.GetString(1), r.GetString(2), Time(r.GetString(3))));
            }
        }

        await tx.CommitAsync(cancellationToken);
        return new CatalogData(revision, versions, aliases);
    }

    public Task<PublishOutcome> PublishAsync(VersionRecord version, CancellationToken cancellationToken) =>
        WriteCatalogAsync(async (connection, tx) =>
        {
            VersionRecord? existing = await FindVersionAsync(connection, tx, version.ModelId, version.Version, cancellationToken);
            if (existing is not null)
            {
                return new PublishOutcome(existing.Digest == version.Digest ? PublishKind.Identical : PublishKind.Conflict, existing);
            }

            await ExecuteAsync(connection, tx, "INSERT INTO versions (model_id, version, digest, document, stage, published_at) VALUES (@m, @v, @d, @doc, @s, @at)", cancellationToken,
                ("m", version.ModelId), ("v", version.Version), ("d", version.Digest), ("doc", version.Document), ("s", version.Stage), ("at", Format(version.PublishedAt)));
            return new PublishOutcome(PublishKind.Created, version);
        }, cancellationToken);

    public Task<bool> SetStageAsync(string modelId, string version, string stage, CancellationToken cancellationToken) =>
        WriteCatalogAsync(async (connection, tx) =>
            await ExecuteAsync(connection, tx, "UPDATE versions SET stage = @s WHERE model_id = @m AND version = @v", cancellationToken, ("s", stage), ("m", modelId), ("v", version)) == 1,
            cancellationToken);

    public Task<AliasChange?> MoveAliasAsync(string modelId, string alias, string version, string? changedBy, CancellationToken cancellationToken) =>
        WriteCatalogAsync(async (connection, tx) =>
        {
            if (await FindVersionAsync(connection, tx, modelId, version, cancellationToken) is null)
            {
                return null;
            }

            string? previous = await ScalarStringAsync(connection, tx, "SELECT version FROM aliases WHERE model_id = @m AND alias = @a", cancellationToken, ("m", modelId), ("a", alias));
            string now = Now();
            await ExecuteAsync(connection, tx,
                "INSERT INTO aliases (model_id, alias, version, updated_at) VALUES (@m, @a, @v, @at) ON CONFLICT (model_id, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at",
                cancellationToken, ("m", modelId), ("a", alias), ("v", version), ("at", now));
            await ExecuteAsync(connection, tx,
                "INSERT INTO alias_history (model_id, alias, version, previous_version, changed_at, changed_by) VALUES (@m, @a, @v, @p, @at, @by)",
                cancellationToken, ("m", modelId), ("a", alias), ("v", version), ("p", previous), ("at", now), ("by", changedBy));
            return (AliasChange?)new AliasChange(modelId, alias, version, previous, Time(now), changedBy);
        }, cancellationToken);

    public Task<bool> DeleteAliasAsync(string modelId, string alias, string? changedBy, CancellationToken cancellationToken) =>
        WriteCatalogAsync(async (connection, tx) =>
        {
            string? previous = await ScalarStringAsync(connection, tx, "SELECT version FROM aliases WHERE model_id = @m AND alias = @a", cancellationToken, ("m", modelId), ("a", alias));
            if (previous is null)
            {
                return false;
            }

            await ExecuteAsync(connection, tx, "DELETE FROM aliases WHERE model_id = @m AND alias = @a", cancellationToken, ("m", modelId), ("a", alias));
            await ExecuteAsync(connection, tx,
                "INSERT INTO alias_history (model_id, alias, version, previous_version, changed_at, changed_by) VALUES (@m, @a, '', @p, @at, @by)",
                cancellationToken, ("m", modelId), ("a", alias), ("p", previous), ("at", Now()), ("by", changedBy));
            return true;
        }, cancellationToken);

    public async Task<IReadOnlyList<AliasChange>> GetAliasHistoryAsync(string modelId, CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken);
        var history = new List<AliasChange>();
        await using DbDataReader r = await Command(connection, null,
            "SELECT model_id, alias, version, previous_version, changed_at, changed_by FROM alias_history WHERE model_id = @m ORDER BY id", ("m", modelId)).ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            history.Add(new AliasChange(r.GetString(0), r.GetString(1), r.GetString(2), NullableString(r, 3), Time(r.GetString(4)), NullableString(r, 5)));
        }

        return history;
    }

    public async Task CreateTokenAsync(TokenRecord token, CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "INSERT INTO tokens (id, name, scopes, hash, created_at) VALUES (@id, @n, @s, @h, @at)", cancellationToken,
            ("id", token.Id), ("n", token.Name), ("s", string.Join(' ', token.Scopes)), ("h", token.Hash), ("at", Format(token.CreatedAt)));
    }

    public async Task<TokenRecord?> FindTokenByHashAsync(string hash, CancellationToken cancellationToken) =>
        (await QueryTokensAsync("WHERE hash = @h AND revoked_at IS NULL", cancellationToken, ("h", hash))).FirstOrDefault();

    public Task<IReadOnlyList<TokenRecord>> ListTokensAsync(CancellationToken cancellationToken) => QueryTokensAsync("ORDER BY created_at", cancellationToken);

    public async Task<bool> RevokeTokenAsync(string id, CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken);
        return await ExecuteAsync(connection, null, "UPDATE tokens SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL", cancellationToken, ("at", Now()), ("id", id)) == 1;
    }

    public async Task CreateJobAsync(JobRecord job, CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null,
            "INSERT INTO jobs (id, url, model_id, version, sha256, size, file_name, status, bytes_done, total_bytes, attempts, created_at, updated_at) VALUES (@id, @u, @m, @v, @sha, @size, @f, @st, 0, @size, 0, @at, @at)",
            cancellationToken, ("id", job.Id), ("u", job.Url), ("m", job.ModelId), ("v", job.Version), ("sha", job.Sha256), ("size", job.Size), ("f", job.FileName), ("st", job.Status), ("at", Format(job.CreatedAt)));
    }

    public async Task<JobRecord?> GetJobAsync(string id, CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken);
        return await FindJobAsync(connection, id, cancellationToken);
    }

    public async Task<JobRecord?> ClaimJobAsync(DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken);
        const string Claimable = "(status = 'pending' OR (status = 'downloading' AND (lease_until IS NULL OR lease_until < @now)))";
        string? id = await ScalarStringAsync(connection, null, $"SELECT id FROM jobs WHERE {Claimable} ORDER BY created_at LIMIT 1", cancellationToken, ("now", Format(now)));
        if (id is null)
        {
            return null;
        }

        // Optimistic: the row is ours only when the update still finds it claimable (another instance may have won).
        int claimed = await ExecuteAsync(connection, null,
            $"UPDATE jobs SET status = 'downloading', attempts = attempts + 1, lease_until = @lease, updated_at = @now WHERE id = @id AND {Claimable}",
            cancellationToken, ("lease", Format(leaseUntil)), ("now", Format(now)), ("id", id));
        return claimed == 1 ? await FindJobAsync(connection, id, cancellationToken) : null;
    }

    public async Task UpdateJobProgressAsync(string id, long bytesDone, long? totalBytes, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "UPDATE jobs SET bytes_done = @b, total_bytes = COALESCE(@t, total_bytes), lease_until = @lease, updated_at = @now WHERE id = @id", cancellationToken,
            ("b", bytesDone), ("t", totalBytes), ("lease", Format(leaseUntil)), ("now", Now()), ("id", id));
    }

    public async Task ReleaseJobAsync(string id, CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "UPDATE jobs SET lease_until = NULL, updated_at = @now WHERE id = @id AND status = 'downloading'", cancellationToken, ("now", Now()), ("id", id));
    }

    public async Task FinishJobAsync(string id, string status, string? errorCode, string? errorDetail, CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "UPDATE jobs SET status = @s, error_code = @c, error_detail = @d, lease_until = NULL, updated_at = @now WHERE id = @id", cancellationToken,
            ("s", status), ("c", errorCode), ("d", errorDetail), ("now", Now()), ("id", id));
    }

    protected static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        DbCommand command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            DbParameter p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }

        return command;
    }

    protected static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using DbCommand command = Command(connection, tx, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<string?> ScalarStringAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using DbCommand command = Command(connection, tx, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken) is string s ? s : null;
    }

    /// <summary>Runs a catalog write in one transaction that first bumps (and so locks) the catalog revision.</summary>
    private async Task<T> WriteCatalogAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken);
        await using DbTransaction tx = await BeginWriteAsync(connection, cancellationToken);
        await ExecuteAsync(connection, tx, "UPDATE catalog_state SET revision = revision + 1 WHERE id = 1", cancellationToken);
        T result = await write(connection, tx);
        await tx.CommitAsync(cancellationToken);
        return result;
    }

    private static async Task<VersionRecord?> FindVersionAsync(DbConnection connection, DbTransaction tx, string modelId, string version, CancellationToken cancellationToken)
    {
        await using DbDataReader r = await Command(connection, tx, "SELECT model_id, version, digest, document, stage, published_at FROM versions WHERE model_id = @m AND version = @v", ("m", modelId), ("v", version))
            .ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken) ? ReadVersion(r) : null;
    }

    private async Task<IReadOnlyList<TokenRecord>> QueryTokensAsync(string clause, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken);
        var tokens = new List<TokenRecord>();
        await using DbDataReader r = await Command(connection, null, "SELECT id, name, scopes, hash, created_at, revoked_at FROM tokens " + clause, parameters).ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            tokens.Add(new TokenRecord(r.GetString(0), r.GetString(1), r.GetString(2).Split(' ', StringSplitOptions.RemoveEmptyEntries), r.GetString(3), Time(r.GetString(4)),
                NullableString(r, 5) is { } revoked ? Time(revoked) : null));
        }

        return tokens;
    }

    private static async Task<JobRecord?> FindJobAsync(DbConnection connection, string id, CancellationToken cancellationToken)
    {
        await using DbDataReader r = await Command(connection, null,
            "SELECT id, url, model_id, version, sha256, size, file_name, status, bytes_done, total_bytes, error_code, error_detail, attempts, created_at, updated_at, lease_until FROM jobs WHERE id = @id", ("id", id))
            .ExecuteReaderAsync(cancellationToken);
        if (!await r.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new JobRecord
        {
            Id = r.GetString(0),
            Url = r.GetString(1),
            ModelId = r.GetString(2),
            Version = r.GetString(3),
            Sha256 = NullableString(r, 4),
            Size = r.IsDBNull(5) ? null : r.GetInt64(5),
            FileName = NullableString(r, 6),
            Status = r.GetString(7),
            BytesDone = r.GetInt64(8),
            TotalBytes = r.IsDBNull(9) ? null : r.GetInt64(9),
            ErrorCode = NullableString(r, 10),
            ErrorDetail = NullableString(r, 11),
            Attempts = (int)r.GetInt64(12),
            CreatedAt = Time(r.GetString(13)),
            UpdatedAt = Time(r.GetString(14)),
            LeaseUntil = NullableString(r, 15) is { } lease ? Time(lease) : null,
        };
    }

    private static VersionRecord ReadVersion(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), NullableString(r, 4), Time(r.GetString(5)));

    private static string? NullableString(DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);

    // Timestamps are UTC ISO 8601 text: sortable as text in both databases, exact round trip.
    private static string Now() => Format(DateTimeOffset.UtcNow);

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
