namespace ModelManifest.Assets;

/// <summary>
/// Exponential back-off with jitter: the n-th retry waits between half and all of <c>first × 2^(n-1)</c>, chosen at
/// random, so that many clients (or many parts of one download) that failed together do not retry in lockstep.
/// </summary>
internal static class Backoff
{
    private static readonly TimeSpan s_ceiling = TimeSpan.FromSeconds(30);

    /// <summary>The wait before retry number <paramref name="attempt"/> (1 for the first retry).</summary>
    public static TimeSpan Delay(TimeSpan first, int attempt)
    {
        var full = first.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 16));
        full = Math.Min(full, s_ceiling.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(full / 2 + Random.Shared.NextDouble() * full / 2);
    }
}
