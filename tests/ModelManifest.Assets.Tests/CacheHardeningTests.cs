using System.Diagnostics;
using ModelManifest.Assets.Tests.Infrastructure;

namespace ModelManifest.Assets.Tests;

/// <summary>
/// A cache folder others can write into: planted links, unusable leftovers and lock files are never written through or
/// waited on, and a blob whose bytes changed under a restored mtime is never served. Fetches run as separate processes
/// against a real cache folder.
/// </summary>
public sealed class CacheHardeningTests : LoopbackTestBase
{
    /// <summary>Above /proc/sys/kernel/pid_max on Linux defaults: a process id that cannot be alive.</summary>
    private const int DeadPid = 4_194_305;

    private const UnixFileMode VictimMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    [Theory]
    [InlineData("partial")]
    [InlineData("orphan-temp")]
    [InlineData("lock")]
    [InlineData("blob")]
    public async Task A_link_planted_in_the_cache_is_never_written_through_and_the_fetch_still_succeeds(string where)
    {
        var (content, asset) = ServeOnly(300_000, 70);
        var blob = Engine.Cache.GetBlobPath(asset.Sha256);
        var victim = Path.Combine(Engine.Dir.Sub("victim"), "victim.bin");
        var victimBytes = where == "blob" ? TestContent.Bytes(content.Length, 69) : "precious"u8.ToArray();
        File.WriteAllBytes(victim, victimBytes);
        File.SetUnixFileMode(victim, VictimMode);
        if (where == "blob")
        {
            // The blob was fetched and stamped; then it is swapped for a link to a look-alike: same size, same mtime.
            await FetchInClientAsync(asset);
            File.SetLastWriteTimeUtc(victim, File.GetLastWriteTimeUtc(blob));
            File.Delete(blob);
        }

        var notThere = Path.Combine(Engine.Dir.Path, "victim", "created-by-cache");
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        var (link, target) = where switch
        {
            "partial" => (blob + ".partial", victim),
            "orphan-temp" => ($"{blob}.{DeadPid}-deadbeef.tmp", victim),
            "lock" => (Engine.Cache.LockPath(asset.Sha256), notThere),
            _ => (blob, victim),
        };
        File.CreateSymbolicLink(link, target);

        await FetchInClientAsync(asset);

        Assert.Equal(victimBytes, File.ReadAllBytes(victim));
        Assert.Equal(VictimMode, File.GetUnixFileMode(victim));
        Assert.False(File.Exists(notThere), "a planted lock link made the cache create a file elsewhere");
        Assert.Null(new FileInfo(blob).LinkTarget);
        Assert.Equal(content, File.ReadAllBytes(blob));
    }

    [Fact]
    public async Task A_flipped_byte_with_its_mtime_restored_is_rehashed_and_fetched_again_by_the_next_process()
    {
        var (content, asset) = ServeOnly(200_000, 71);
        await FetchInClientAsync(asset);

        var blob = Engine.Cache.GetBlobPath(asset.Sha256);
        CacheTests.FlipByteKeepingTimestamp(blob, 1234); // as `touch -r` would: only ctime still tells

        var second = await FetchInClientAsync(asset);
        Assert.DoesNotContain(" cache", second.Trim().Split('\n').Last(), StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllBytes(blob));
        Assert.Equal(2, Server.Requests.Count(r => r.Path == "/" + asset.FileName));
    }

    [Fact]
    public async Task A_lock_file_that_cannot_be_opened_means_no_locks_here_not_someone_holds_it()
    {
        var (content, asset, _) = ServeOverHttp(50_000, 72);
        Directory.CreateDirectory(Engine.Cache.LockPath(asset.Sha256)); // EISDIR: as unopenable as a read-only or foreign lock file

        var result = await Engine.Manager.GetAsync(asset).WaitAsync(TimeSpan.FromSeconds(45));

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        Assert.DoesNotContain(Engine.Log, line => line.Contains("another process is fetching it", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Another_users_lock_file_does_not_make_a_user_wait()
    {
        if (ClientProcess.OtherUserId is not { } uid)
        {
            return; // needs root and setpriv to act as another user
        }

        var (content, asset) = ServeOnly(50_000, 73);
        File.WriteAllBytes(Engine.Cache.LockPath(asset.Sha256), []); // root's lock file, 0644: another user cannot open it for writing
        GiveCacheTo(uid, except: Engine.Cache.LockPath(asset.Sha256));

        using var client = ClientProcess.Start(Engine.Cache.Root, Server.BaseUrl, asset, asUser: uid);
        Assert.True(await client.WaitAsync() == 0, client.Output + client.Error);
        Assert.DoesNotContain("another process is fetching it", client.Error, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllBytes(Engine.Cache.GetBlobPath(asset.Sha256)));
    }

    [Fact]
    public async Task A_read_only_partial_and_orphan_temp_of_another_user_never_poison_the_digest()
    {
        if (ClientProcess.OtherUserId is not { } uid)
        {
            return; // needs root and setpriv to act as another user
        }

        var (content, asset) = ServeOnly(80_000, 74);
        var blob = Engine.Cache.GetBlobPath(asset.Sha256);
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        GiveCacheTo(uid, except: null);
        foreach (var leftover in new[] { blob + ".partial", $"{blob}.{DeadPid}-0badf00d.tmp" })
        {
            File.WriteAllBytes(leftover, content[..1000]);
            File.SetUnixFileMode(leftover, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead); // root's, 0444
        }

        using var client = ClientProcess.Start(Engine.Cache.Root, Server.BaseUrl, asset, asUser: uid);
        Assert.True(await client.WaitAsync() == 0, client.Output + client.Error);
        Assert.Equal(content, File.ReadAllBytes(blob));
    }

    [Fact]
    public async Task A_failed_attempt_leaves_no_empty_partial_file()
    {
        var (_, asset, served) = ServeOverHttp(10_000, 75);
        served.Status = 404;

        await Assert.ThrowsAsync<AssetException>(() => Engine.Manager.GetAsync(asset));

        Assert.Empty(Engine.CacheFiles());
    }

    [Fact]
    public void Incomplete_downloads_are_listed_pruned_when_abandoned_and_removed_with_their_digest()
    {
        var sha = TestContent.Sha256([1, 2, 3]);
        var blob = Engine.Cache.GetBlobPath(sha);
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        File.WriteAllBytes(blob + ".partial", new byte[1000]);
        File.WriteAllBytes(blob + ".parts", new byte[500]); // a split download's part list goes with its partial file
        File.WriteAllBytes($"{blob}.{DeadPid}-aaaaaaaa.tmp", new byte[2000]);
        var live = $"{blob}.{Environment.ProcessId}-bbbbbbbb.tmp";
        File.WriteAllBytes(live, new byte[4000]);

        Assert.Equal(7500, Engine.Cache.ListIncomplete().Sum(e => e.Size));
        Assert.All(Engine.Cache.ListIncomplete(), e => Assert.Equal(sha, e.Sha256));

        var pruned = Engine.Cache.Prune(maxTotalBytes: 0);
        Assert.Equal(3500, pruned.RemovedBytes);
        Assert.Equal([live], Engine.Cache.ListIncomplete().Select(e => e.Path));

        File.WriteAllBytes(blob + ".partial", new byte[1000]);
        File.WriteAllBytes(blob + ".parts", new byte[500]);
        Assert.True(Engine.Cache.Remove(sha));
        Assert.False(File.Exists(blob + ".parts"));
        Assert.Equal([live], Engine.Cache.ListIncomplete().Select(e => e.Path));
    }

    [Fact]
    public void A_world_writable_cache_folder_gets_a_warning()
    {
        var root = Engine.Dir.Sub("shared");
        Assert.Null(new AssetCache(root).SecurityWarning);
        File.SetUnixFileMode(root, (UnixFileMode)0b111_111_111);

        Assert.Contains("writable by every user", new AssetCache(root).SecurityWarning, StringComparison.Ordinal);
    }

    private async Task<string> FetchInClientAsync(AssetInfo asset)
    {
        using var client = ClientProcess.Start(Engine.Cache.Root, Server.BaseUrl, asset);
        Assert.True(await client.WaitAsync() == 0, client.Output + client.Error);
        return client.Output;
    }

    /// <summary>Serves fresh content without registering a source in this process: the fetch runs in a client process.</summary>
    private (byte[] Content, AssetInfo Asset) ServeOnly(int size, int seed)
    {
        var content = TestContent.Bytes(size, seed);
        var asset = TestFiles.Asset(content);
        Server.Add(asset.FileName, content);
        return (content, asset);
    }

    /// <summary>Hands the cache folder (not <paramref name="except"/>) to <paramref name="uid"/>, and lets that user reach it.</summary>
    private void GiveCacheTo(int uid, string? except)
    {
        File.SetUnixFileMode(Engine.Dir.Path, (UnixFileMode)0b111_101_101);
        foreach (var path in Directory.EnumerateFileSystemEntries(Engine.Cache.Root, "*", SearchOption.AllDirectories).Append(Engine.Cache.Root))
        {
            if (path != except)
            {
                using var chown = Process.Start("chown", ["-h", $"{uid}:{uid}", path]);
                chown.WaitForExit();
            }
        }
    }
}
