using System.Buffers.Binary;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using static ModelManifest.Registry.Tests.RegistryApi;

namespace ModelManifest.Registry.Tests;

/// <summary>Register by URL from a loopback HTTP server: jobs, extracted metadata, failures and a restart mid-download.</summary>
public sealed class RegisterByUrlTests : IAsyncLifetime
{
    private const string OnnxModel = "/usr/share/libonnx-testdata/data/node/test_tan_example/model.onnx";
    private readonly TempDir _data = new();
    private LoopbackServer _files = null!;
    private RegistryServer _registry = null!;

    public async Task InitializeAsync()
    {
        _files = await LoopbackServer.StartAsync();
        _registry = RegistryServer.Start(_data.Path, ["--job-lease-seconds", "2"]);
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        await _files.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Onnx_checkpoint_becomes_a_version_with_extracted_metadata()
    {
        byte[] onnx = await File.ReadAllBytesAsync(OnnxModel);
        Uri url = _files.Add("files/tan.onnx", new ServedFile(onnx));
        using HttpClient admin = _registry.Client(RegistryServer.AdminToken);
        JsonObject job = await RegisterAsync(admin, new JsonObject { ["url"] = url.AbsoluteUri, ["id"] = "tan", ["version"] = "1.0.0" });
        Assert.Equal("pending", job["status"]!.GetValue<string>());

        JsonObject done = await WaitAsync(admin, job["jobId"]!.GetValue<string>());
        Assert.True(done["status"]!.GetValue<string>() == "ready", done.ToJsonString());
        Assert.Equal(1.0, done["fraction"]!.GetValue<double>());

        JsonObject version = await GetJsonAsync(admin, "v1/models/tan/versions/1.0.0");
        JsonObject model = version["manifest"]!["models"]![0]!.AsObject();
        Assert.Equal("x", model["inputs"]!["variables"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("onnx", model["metadata"]!["checkpoint"]!["format"]!.GetValue<string>());
        Assert.Equal(Sha256(onnx), version["assets"]![0]!["sha256"]!.GetValue<string>());
        Assert.Equal("tan.onnx", version["assets"]![0]!["fileName"]!.GetValue<string>());
        using HttpResponseMessage blob = await admin.GetAsync($"v1/blobs/sha256/{Sha256(onnx)}");
        Assert.Equal(onnx, await blob.Content.ReadAsByteArrayAsync());
        JsonObject byVariable = await GetJsonAsync(admin, "v1/models?variable=x&framework=onnx");
        Assert.Contains(byVariable["models"]!.AsArray(), m => m!["id"]!.GetValue<string>() == "tan");
    }

    [Fact]
    public async Task Declared_digest_goes_through_the_asset_engine_and_a_wrong_one_fails_visibly()
    {
        byte[] checkpoint = Safetensors(4096);
        Uri url = _files.Add("files/small.safetensors", new ServedFile(checkpoint));
        using HttpClient admin = _registry.Client(RegistryServer.AdminToken);
        JsonObject good = await RegisterAsync(admin, new JsonObject { ["url"] = url.AbsoluteUri, ["id"] = "small", ["version"] = "1.0.0", ["sha256"] = Sha256(checkpoint), ["size"] = checkpoint.Length });
        JsonObject ready = await WaitAsync(admin, good["jobId"]!.GetValue<string>());
        Assert.True(ready["status"]!.GetValue<string>() == "ready", ready.ToJsonString());
        JsonObject version = await GetJsonAsync(admin, "v1/models/small/versions/1.0.0");
        Assert.Equal(4096, version["manifest"]!["models"]![0]!["metadata"]!["checkpoint"]!["parameterCount"]!.GetValue<long>());

        JsonObject bad = await RegisterAsync(admin, new JsonObject { ["url"] = url.AbsoluteUri, ["id"] = "small", ["version"] = "2.0.0", ["sha256"] = new string('a', 64), ["size"] = checkpoint.Length });
        JsonObject failed = await WaitAsync(admin, bad["jobId"]!.GetValue<string>());
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.StartsWith("MM30", failed["error"]!["code"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertProblemAsync(await admin.GetAsync("v1/models/small/versions/2.0.0"), HttpStatusCode.NotFound, "MM3004");

        Uri missing = new(_files.BaseUrl, "files/none.onnx");
        JsonObject gone = await WaitAsync(admin, (await RegisterAsync(admin, new JsonObject { ["url"] = missing.AbsoluteUri, ["id"] = "gone", ["version"] = "1.0.0" }))["jobId"]!.GetValue<string>());
        Assert.Equal("failed", gone["status"]!.GetValue<string>());
        Assert.Equal("MM3015", gone["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_restart_mid_download_resumes_the_job()
    {
        byte[] checkpoint = Safetensors(400_000);
        Uri url = _files.Add("files/slow.safetensors", new ServedFile(checkpoint) { BytesPerSecondPerConnection = 100_000 });
        string jobId;
        using (HttpClient admin = _registry.Client(RegistryServer.AdminToken))
        {
            jobId = (await RegisterAsync(admin, new JsonObject { ["url"] = url.AbsoluteUri, ["id"] = "slow", ["version"] = "1.0.0" }))["jobId"]!.GetValue<string>();
            JsonObject running;
            do
            {
                await Task.Delay(200);
                running = await GetJsonAsync(admin, $"v1/jobs/{jobId}");
            }
            while (running["status"]!.GetValue<string>() != "downloading" || running["bytesDone"]!.GetValue<long>() == 0);
        }

        // Killed, not stopped: the job is left "downloading" with a lease that runs out.
        await _registry.DisposeAsync();
        _registry = RegistryServer.Start(_data.Path, ["--job-lease-seconds", "2"]);
        using HttpClient again = _registry.Client(RegistryServer.AdminToken);
        JsonObject done = await WaitAsync(again, jobId);
        Assert.True(done["status"]!.GetValue<string>() == "ready", done.ToJsonString());
        Assert.Equal(2, done["attempts"]!.GetValue<int>());
        Assert.Contains(_files.Requests, r => r.Path == "/files/slow.safetensors" && r.Range.StartsWith("bytes=", StringComparison.Ordinal) && !r.Range.StartsWith("bytes=0-", StringComparison.Ordinal));
        JsonObject version = await GetJsonAsync(again, "v1/models/slow/versions/1.0.0");
        Assert.Equal(Sha256(checkpoint), version["assets"]![0]!["sha256"]!.GetValue<string>());
    }

    private static async Task<JsonObject> RegisterAsync(HttpClient admin, JsonObject request)
    {
        using HttpResponseMessage response = await admin.PostAsync("v1/register", Json(request));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Polls the job until it is ready or failed (bounded, so a hung job fails the test instead of hanging it).</summary>
    private static async Task<JsonObject> WaitAsync(HttpClient client, string jobId)
    {
        for (int i = 0; i < 1200; i++)
        {
            JsonObject job = await GetJsonAsync(client, $"v1/jobs/{jobId}");
            if (job["status"]!.GetValue<string>() is "ready" or "failed")
            {
                return job;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"job {jobId} never finished");
    }

    /// <summary>A safetensors file with one F32 tensor of <paramref name="floats"/> values.</summary>
    private static byte[] Safetensors(int floats)
    {
        byte[] header = Encoding.UTF8.GetBytes($"{{\"weight\":{{\"dtype\":\"F32\",\"shape\":[{floats / 4},4],\"data_offsets\":[0,{floats * 4}]}}}}");
        var bytes = new byte[8 + header.Length + (floats * 4)];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        new Random(floats).NextBytes(bytes.AsSpan(8 + header.Length));
        return bytes;
    }
}
