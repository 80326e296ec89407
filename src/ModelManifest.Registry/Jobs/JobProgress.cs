using ModelManifest.Registry.Storage;

namespace ModelManifest.Registry.Jobs;

/// <summary>
/// Writes a job's progress (bytes, total) to the store at most twice a second, extending the job's lease each time so
/// another instance does not take a job that is still moving.
/// </summary>
internal sealed class JobProgress(IMetadataStore store, string jobId, long? total, TimeSpan lease, ILogger logger)
{
    private readonly object _gate = new();
    private long _done;
    private DateTime _lastWrite = DateTime.MinValue;
    private Task _pending = Task.CompletedTask;

    public long? Total { get; set; } = total;

    public void Report(long bytesDone)
    {
        lock (_gate)
        {
            _done = bytesDone;
            if (DateTime.UtcNow - _lastWrite < TimeSpan.FromMilliseconds(500) || !_pending.IsCompleted)
            {
                return;
            }

            _lastWrite = DateTime.UtcNow;
            _pending = WriteAsync(bytesDone);
        }
    }

    public async Task FlushAsync()
    {
        await _pending;
        await WriteAsync(Volatile.Read(ref _done));
    }

    private async Task WriteAsync(long done)
    {
        try
        {
            await store.UpdateJobProgressAsync(jobId, done, Total, DateTimeOffset.UtcNow + lease, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning("Could not record the progress of job {JobId}: {Reason}", jobId, e.Message);
        }
    }
}
