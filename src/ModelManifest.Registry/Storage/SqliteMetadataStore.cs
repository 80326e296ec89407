using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace ModelManifest.Registry.Storage;

/// <summary>The default metadata store: one SQLite database (WAL journal) in the data folder.</summary>
internal sealed class SqliteMetadataStore : SqlMetadataStore
{
    private readonly string _connectionString;

    public SqliteMetadataStore(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, "registry.db"),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // SQLITE_BUSY is retried for this long: writers of another instance on the same file wait, not fail.
            DefaultTimeout = 30,
        }.ToString();
    }

    protected override string IdentityColumn => "INTEGER PRIMARY KEY AUTOINCREMENT";

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    // Microsoft.Data.Sqlite begins IMMEDIATE unless asked for deferred: the write lock is taken at BEGIN.
    protected override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    protected override Task<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    protected override async Task WithMigrationLockAsync(DbConnection connection, Func<DbTransaction, Task> migrate, CancellationToken cancellationToken)
    {
        // WAL lets readers run beside the one writer; the setting is stored in the file, so this runs once per database.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL", cancellationToken);
        await using DbTransaction tx = await BeginWriteAsync(connection, cancellationToken);
        await migrate(tx);
        await tx.CommitAsync(cancellationToken);
    }
}
