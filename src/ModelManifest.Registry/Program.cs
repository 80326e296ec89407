using ModelManifest.Registry;
using ModelManifest.Registry.Auth;
using ModelManifest.Registry.Blobs;
using ModelManifest.Registry.Catalog;
using ModelManifest.Registry.Http;
using ModelManifest.Registry.HuggingFace;
using ModelManifest.Registry.Jobs;
using ModelManifest.Registry.Publishing;
using ModelManifest.Registry.Storage;
using ModelManifest.Registry.Telemetry;

// dotnet run --project src/ModelManifest.Registry -c Release -- --urls http://127.0.0.1:5080 --data ./registry-data
//   [--database "<Npgsql connection string>"] [--blob-store s3://bucket/prefix] [--namespace registry] [--require-auth-for-reads]
bool requireAuthForReads = args.Contains(RegistryOptions.RequireAuthForReadsFlag, StringComparer.Ordinal);
string[] settings = args.Where(a => a != RegistryOptions.RequireAuthForReadsFlag).ToArray();
var builder = WebApplication.CreateBuilder(settings);

RegistryOptions options;
try
{
    options = RegistryOptions.From(builder.Configuration, requireAuthForReads);
}
catch (RegistryConfigurationException e)
{
    Console.Error.WriteLine($"{RegistryErrors.InvalidConfiguration}: {e.Message}");
    return 2;
}

builder.Logging.AddSimpleConsole(console =>
{
    console.SingleLine = true;
    console.TimestampFormat = "HH:mm:ss.fff ";
});
builder.WebHost.ConfigureKestrel(kestrel =>
{
    // JSON bodies: 16 MiB; blob uploads lift the limit per request (BlobEndpoints.AllowBody).
    kestrel.Limits.MaxRequestBodySize = options.MaxJsonBodyBytes;
    kestrel.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
});
// Graceful shutdown: requests in flight (uploads) get this long to finish; resumable uploads keep their bytes.
builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));
builder.Services.AddSingleton(options);
builder.Services.AddSingleton<IMetadataStore>(_ => options.DatabaseConnectionString is { } database
    ? new PostgresMetadataStore(database)
    : new SqliteMetadataStore(options.DataDirectory));
builder.Services.AddSingleton<IBlobStore>(_ => options.BlobStore is { } s3
    ? new S3BlobStore(s3)
    : new FolderBlobStore(Path.Combine(options.DataDirectory, "blobs")));
builder.Services.AddSingleton<RegistryTelemetry>();
builder.Services.AddSingleton<Authenticator>();
builder.Services.AddSingleton<CatalogCache>();
builder.Services.AddSingleton<BlobUploads>();
builder.Services.AddSingleton<PublishService>();
builder.Services.AddSingleton<RegisterJobRunner>();
builder.Services.AddHostedService(services => services.GetRequiredService<RegisterJobRunner>());
builder.Services.AddHttpClient("register", client => client.Timeout = Timeout.InfiniteTimeSpan);
builder.Services.AddOpenApi();

var app = builder.Build();
var log = app.Services.GetRequiredService<ILogger<RegistryOptions>>();
try
{
    Directory.CreateDirectory(options.DataDirectory);
    await app.Services.GetRequiredService<IMetadataStore>().MigrateAsync(app.Lifetime.ApplicationStopping);
    app.Services.GetRequiredService<BlobUploads>().RemoveAbandonedTemporaries();
}
catch (Exception e) when (e is not OperationCanceledException)
{
    log.LogCritical("Cannot start: the metadata store could not be opened or migrated: {Reason}", e.Message);
    return 1;
}

log.LogInformation("Registry data in {Data}; metadata in {Database}; blobs in {Blobs}; Hugging Face namespace '{Namespace}'; reads {Reads}",
    options.DataDirectory,
    options.DatabaseConnectionString is null ? "SQLite" : "PostgreSQL",
    app.Services.GetRequiredService<IBlobStore>().Description,
    options.Namespace,
    options.RequireAuthForReads ? "need a token" : "anonymous");

app.UseMiddleware<ProblemMiddleware>();
app.MapOpenApi();
HealthEndpoints.Map(app);
ModelEndpoints.Map(app);
AliasEndpoints.Map(app);
ManifestEndpoints.Map(app);
BlobEndpoints.Map(app);
JobEndpoints.Map(app);
TokenEndpoints.Map(app);
HuggingFaceEndpoints.Map(app, options);
app.MapFallback(IResult (HttpContext context) => throw RegistryException.NotFound($"no route {context.Request.Method} {RouteNames.Shorten(context.Request.Path.Value ?? "")}"));

await app.RunAsync();
return 0;
