using System.Diagnostics;
using System.Text.Json;
using ModelManifest.Assets;
using ModelManifest.Checkpoints;
using ModelManifest.Cli.Extraction;
using ModelManifest.Registry.Blobs;
using ModelManifest.Registry.Http;
using ModelManifest.Registry.Publishing;
using ModelManifest.Registry.Storage;
using ModelManifest.Registry.Telemetry;

namespace ModelManifest.Registry.Jobs;

/// <summary>
/// Runs register-by-URL jobs in the background: claims the oldest pending job (or one whose server stopped: its lease
/// expired), downloads the checkpoint, extracts its metadata with ModelManifest.Checkpoints, stores the blob and
/// publishes the version. Jobs live in the database, so a restart resumes them (the download continues from the bytes
/// already on disk) and one interrupted too often fails visibly (MM3017) instead of looping.
/// </summary>
internal sealed class RegisterJobRunner(
    IMetadataStore store,
    BlobUploads uploads,
    PublishService publisher,
    RegistryOptions options,
    RegistryTelemetry telemetry,
    IHttpClientFactory httpClients,
    IConfiguration configuration,
    ILogger<RegisterJobRunner> logger) : BackgroundService
{
    /// <summary>Starts of one job after which it is given up.</summary>
    public const int MaxAttempts = 3;

    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly TimeSpan _lease = TimeSpan.FromSeconds(configuration.GetValue("job-lease-seconds", 30));

    /// <summary>Tells the runner a job is waiting (it also polls, for jobs created by other instances).</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            JobRecord? job = null;
            try
            {
                job = await store.ClaimJobAsync(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow + _lease, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Could not look for register jobs: {Reason}", e.Message);
            }

            if (job is null)
            {
                await _wake.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }

            await RunAsync(job, stoppingToken);
        }
    }

    private async Task RunAsync(JobRecord job, CancellationToken stoppingToken)
    {
        using Activity? activity = RegistryTelemetry.ActivitySource.StartActivity("registry.register");
        activity?.SetTag("modelmanifest.model.id", job.ModelId);
        activity?.SetTag("modelmanifest.model.version", job.Version);
        if (job.Attempts > MaxAttempts)
        {
            await FinishAsync(job, JobStatus.Failed, RegistryErrors.JobInterrupted, $"the job was interrupted {job.Attempts - 1} times (server stopped while it ran); register again");
            return;
        }

        logger.LogInformation("Register job {JobId} for {ModelId}@{Version} started (attempt {Attempt})", job.Id, job.ModelId, job.Version, job.Attempts);
        string folder = Path.Combine(options.JobCacheDirectory, job.Id);
        Directory.CreateDirectory(folder);
        try
        {
            string file = await DownloadAsync(job, folder, stoppingToken);
            CheckpointInfo info = CheckpointInspector.Inspect(file, hash: false, cancellationToken: stoppingToken);
            (string sha256, long size) = await uploads.ImportAsync(file, stoppingToken);
            if (job.Sha256 is not null && job.Sha256 != sha256)
            {
                throw new RegistryException(StatusCodes.Status400BadRequest, RegistryErrors.DigestMismatch, $"the file at the URL hashes to sha256:{sha256}, not the declared sha256:{job.Sha256}");
            }

            info = info with { Sha256 = sha256, Size = size };
            var identity = new EntryIdentity(job.ModelId, job.Version, ManifestFragment.IdFromFileName(info.FileName), null);
            var asset = ManifestFragment.Asset(info, identity);
            asset["urls"] = new System.Text.Json.Nodes.JsonArray(job.Url);
            byte[] document = JsonSerializer.SerializeToUtf8Bytes(ManifestFragment.Document(ManifestFragment.Model(info, identity), asset));
            await publisher.PublishAsync(job.ModelId, job.Version, document, stoppingToken);
            await FinishAsync(job, JobStatus.Ready, null, null);
            TryDelete(folder);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the job stays "downloading" with the bytes on disk and without a lease, so the next start (or
            // another instance) resumes it at once. A killed server cannot do this: its lease runs out instead.
            logger.LogInformation("Register job {JobId} parked at shutdown", job.Id);
            await store.ReleaseJobAsync(job.Id, CancellationToken.None);
        }
        catch (RegistryException e)
        {
            await FinishAsync(job, JobStatus.Failed, e.Code, e.Detail);
            TryDelete(folder);
        }
        catch (CheckpointFormatException e)
        {
            await FinishAsync(job, JobStatus.Failed, RegistryErrors.JobCheckpointFailed, $"{Path.GetFileName(job.FileName)} is not a readable checkpoint: {e.Reason}");
            TryDelete(folder);
        }
        catch (Exception e) when (e is AssetException or AssetSourceException or HttpRequestException or IOException)
        {
            string code = e is AssetException a ? $" ({a.Code})" : "";
            await FinishAsync(job, JobStatus.Failed, RegistryErrors.JobDownloadFailed, $"could not download the checkpoint{code}: {OneLine(e.Message)}");
            TryDelete(folder);
        }
    }

    /// <summary>
    /// Downloads the checkpoint into <paramref name="folder"/> under its file name. With a declared sha256 (and a size,
    /// given or from HEAD) it goes through the asset engine, which resumes and verifies; otherwise the file is fetched
    /// with ranges from where a previous attempt stopped, and hashed when stored.
    /// </summary>
    private async Task<string> DownloadAsync(JobRecord job, string folder, CancellationToken cancellationToken)
    {
        HttpClient http = httpClients.CreateClient("register");
        long? size = job.Size ?? await ProbeSizeAsync(http, job.Url, cancellationToken);
        var progress = new JobProgress(store, job.Id, size, _lease, logger);
        if (job.Sha256 is not null && size is not null)
        {
            var asset = new AssetInfo
            {
                Id = ManifestFragment.IdFromFileName(job.FileName!),
                FileName = job.FileName!,
                Sha256 = job.Sha256,
                Size = size.Value,
                Urls = [job.Url],
            };
            using var source = new HttpAssetSource(new HttpAssetSourceOptions { Name = "register", UseUrlHints = true });
            var manager = new AssetManager(new AssetCache(Path.Combine(options.JobCacheDirectory, "cache")), new AssetManagerOptions { DurableWrites = true, Logger = logger });
            manager.AddSource(source);
            MaterializedAsset materialized = await manager.MaterializeAsync(asset, folder, LinkMode.Copy, new Progress<AssetProgress>(p => progress.Report(p.BytesDone)), cancellationToken);
            await progress.FlushAsync();
            return materialized.Path;
        }

        string target = Path.Combine(folder, job.FileName!);
        string partial = target + ".part";
        long offset = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, job.Url);
        if (offset > 0)
        {
            request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(offset, null);
        }

        using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != System.Net.HttpStatusCode.PartialContent)
        {
            offset = 0;
        }

        response.EnsureSuccessStatusCode();
        size ??= response.Content.Headers.ContentLength + offset;
        progress.Total = size;
        // Unbuffered (bufferSize 1): every chunk reaches the OS as it arrives and is counted as done only then, so a
        // killed server resumes from every byte it reported, not from the last flush of a user-space buffer.
        await using (var file = new FileStream(partial, offset == 0 ? FileMode.Create : FileMode.Append, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
        await using (Stream body = await response.Content.ReadAsStreamAsync(cancellationToken))
        {
            byte[] buffer = new byte[1 << 20];
            long done = offset;
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                done += read;
                progress.Report(done);
            }

            file.Flush(flushToDisk: true);
        }

        await progress.FlushAsync();
        File.Move(partial, target, overwrite: true);
        return target;
    }

    private static async Task<long?> ProbeSizeAsync(HttpClient http, string url, CancellationToken cancellationToken)
    {
        try
        {
            using var head = new HttpRequestMessage(HttpMethod.Head, url);
            using HttpResponseMessage response = await http.SendAsync(head, cancellationToken);
            return response.IsSuccessStatusCode ? response.Content.Headers.ContentLength : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private async Task FinishAsync(JobRecord job, string status, string? code, string? detail)
    {
        telemetry.Jobs.Add(1, new KeyValuePair<string, object?>("status", status));
        if (status == JobStatus.Failed)
        {
            logger.LogWarning("Register job {JobId} for {ModelId}@{Version} failed: {Code} {Detail}", job.Id, job.ModelId, job.Version, code, detail);
        }
        else
        {
            logger.LogInformation("Register job {JobId} for {ModelId}@{Version} is {Status}", job.Id, job.ModelId, job.Version, status);
        }

        await store.FinishJobAsync(job.Id, status, code, detail, CancellationToken.None);
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
