using System.Data;
using System.Data.Common;
using Npgsql;

namespace ModelManifest.Registry.Storage;

/// <summary>The metadata store for several instances: one PostgreSQL database shared by all.</summary>
internal sealed class PostgresMetadataStore(string connectionString) : SqlMetadataStore, IDisposable
{
    /// <summary>The advisory lock key held while migrating ("MMREGIST" as bytes): one instance migrates, others wait.</summary>
    private const long MigrationLockKey = 0x4D4D_5245_4749_5354;

    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    protected override string IdentityColumn => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";

    public void Dispose() => _dataSource.Dispose();

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await _dataSource.OpenConnectionAsync(cancellationToken);

    protected override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

    protected override async Task<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    protected override async Task WithMigrationLockAsync(DbConnection connection, Func<DbTransaction, Task> migrate, CancellationToken cancellationToken)
    {
        await using DbTransaction tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        // Transaction-scoped: released at commit or rollback, even when this process dies.
        await ExecuteAsync(connection, tx, "SELECT pg_advisory_xact_lock(@key)", cancellationToken, ("key", MigrationLockKey));
        await migrate(tx);
        await tx.CommitAsync(cancellationToken);
    }
}
