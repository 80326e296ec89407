namespace ModelManifest.Sources.HuggingFace.Tests;

/// <summary>
/// The Hugging Face cache and Ollama's store laid out on disk as those tools write them.
/// </summary>
/// <remarks>
/// huggingface_hub (file_download.py, "cache layout"): <c>{HF_HUB_CACHE}/models--{ns}--{repo}/blobs/{etag}</c> holds the bytes
/// (an LFS file's etag is its sha256), <c>snapshots/{commit}/{path}</c> is a relative symlink to <c>../../blobs/{etag}</c>, and
/// <c>refs/{branch}</c> holds the commit (no newline). Ollama (server/modelpath.go, layer.go): <c>{OLLAMA_MODELS}/blobs/sha256-{hex}</c>
/// and <c>manifests/registry.ollama.ai/library/{model}/{tag}</c>, a JSON image manifest naming its layers' digests.
/// </remarks>
internal static class LocalStores
{
    /// <summary>Writes <paramref name="bytes"/> into an HF cache at <paramref name="root"/>; returns the blob's path.</summary>
    public static string HuggingFace(string root, string repoId, string path, byte[] bytes, string commit = "0123456789abcdef0123456789abcdef01234567")
    {
        string repo = Path.Combine(root, "models--" + repoId.Replace("/", "--", StringComparison.Ordinal));
        string sha256 = TestContent.Sha256(bytes);
        string blob = Path.Combine(repo, "blobs", sha256);
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        File.WriteAllBytes(blob, bytes);
        string snapshot = Path.Combine(repo, "snapshots", commit, path);
        Directory.CreateDirectory(Path.GetDirectoryName(snapshot)!);
        int depth = path.Count(c => c == '/') + 2;
        File.CreateSymbolicLink(snapshot, string.Concat(Enumerable.Repeat("../", depth)) + "blobs/" + sha256);
        Directory.CreateDirectory(Path.Combine(repo, "refs"));
        File.WriteAllText(Path.Combine(repo, "refs", "main"), commit);
        return blob;
    }

    /// <summary>Writes <paramref name="bytes"/> as a GGUF layer of <paramref name="model"/> into an Ollama store; returns the blob's path.</summary>
    public static string Ollama(string root, string model, byte[] bytes)
    {
        string sha256 = TestContent.Sha256(bytes);
        string blob = Path.Combine(root, "blobs", "sha256-" + sha256);
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        File.WriteAllBytes(blob, bytes);
        string manifest = Path.Combine(root, "manifests", "registry.ollama.ai", "library", model, "latest");
        Directory.CreateDirectory(Path.GetDirectoryName(manifest)!);
        File.WriteAllText(manifest, $$"""
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
             "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:{{new string('0', 64)}}","size":2},
             "layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:{{sha256}}","size":{{bytes.Length}}}]}
            """);
        return blob;
    }
}
