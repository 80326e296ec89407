using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using ModelManifest.Checkpoints;

// demo prepare <dir>: writes a small safetensors weather checkpoint and a small GGUF language model.
// demo serve <dir> <port-file>: serves <dir> on 127.0.0.1 (random port written to <port-file>) until killed.
switch (args.FirstOrDefault())
{
    case "prepare":
        Prepare(args[1]);
        return 0;
    case "serve":
        await ServeAsync(args[1], args[2]);
        return 0;
    default:
        Console.Error.WriteLine("usage: DemoHost prepare <dir> | serve <dir> <port-file>");
        return 2;
}

static void Prepare(string dir)
{
    Directory.CreateDirectory(Path.Combine(dir, "mirror"));
    Directory.CreateDirectory(Path.Combine(dir, "server"));
    var random = new Random(42);
    float[] Values(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();

    var weather = new SafetensorsWriter();
    weather.Metadata["model"] = "weather-mini";
    weather.Metadata["grid"] = "O96";
    weather.AddFloat32("encoder.weight", [256, 512], Values(256 * 512));
    weather.AddFloat32("encoder.bias", [512], Values(512));
    weather.AddFloat32("decoder.weight", [512, 256], Values(512 * 256));
    weather.WriteFile(Path.Combine(dir, "mirror", "weather-mini.safetensors"));

    var llm = new GgufWriter()
        .Add("general.architecture", "llama")
        .Add("general.name", "tiny-llama-demo")
        .Add("llama.context_length", 2048u)
        .Add("general.file_type", 1u)
        .Add("tokenizer.ggml.model", "gpt2");
    llm.AddFloat32Tensor("token_embd.weight", [64, 1000], Values(64 * 1000));
    llm.AddFloat32Tensor("output.weight", [64, 1000], Values(64 * 1000));
    llm.WriteFile(Path.Combine(dir, "server", "tiny-llama.gguf"));
    Console.WriteLine($"wrote {Path.Combine(dir, "mirror", "weather-mini.safetensors")} and {Path.Combine(dir, "server", "tiny-llama.gguf")}");
}

static async Task ServeAsync(string dir, string portFile)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
    var app = builder.Build();
    app.Use(async (context, next) =>
    {
        await next(context);
        Console.WriteLine($"  [server] {context.Request.Method} {context.Request.Path} {context.Request.Headers.Range} -> {context.Response.StatusCode}");
    });
    app.UseStaticFiles(new StaticFileOptions
    {
        FileProvider = new PhysicalFileProvider(Path.GetFullPath(dir)),
        ServeUnknownFileTypes = true,
        ContentTypeProvider = new FileExtensionContentTypeProvider(),
    });
    await app.StartAsync();
    string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    await File.WriteAllTextAsync(portFile + ".tmp", address);
    File.Move(portFile + ".tmp", portFile, overwrite: true);
    // Runs until the demo script kills it.
    await app.WaitForShutdownAsync();
}
