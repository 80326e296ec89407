using System.Runtime.InteropServices;

namespace ModelManifest;

/// <summary>A machine to check models against: OS, architecture, available accelerators and memory.</summary>
public sealed record PlatformDescription
{
    /// <summary>OS part of a runtime identifier: linux, win, osx, android, ios, browser.</summary>
    public required string OperatingSystem { get; init; }

    /// <summary>Architecture part of a runtime identifier: x64, arm64, x86, arm, wasm.</summary>
    public required string Architecture { get; init; }

    /// <summary>Accelerators present (cpu is always present).</summary>
    public ImmutableArray<string> Accelerators { get; init; } = ImmutableArray.Create("cpu");

    /// <summary>Host memory in MiB, when known.</summary>
    public long? HostMemoryMiB { get; init; }

    /// <summary>Accelerator memory in MiB, when known.</summary>
    public long? GpuMemoryMiB { get; init; }

    /// <summary>The runtime identifier, for example <c>linux-x64</c>.</summary>
    public string RuntimeIdentifier => OperatingSystem + "-" + Architecture;

    /// <summary>
    /// Describes this machine. Accelerators are best effort: CUDA when its driver library loads, Metal on Apple
    /// silicon; GPU memory is not probed (unknown), so GPU memory requirements yield "unknown", never a block.
    /// </summary>
    public static PlatformDescription Current()
    {
        string os = System.OperatingSystem.IsLinux() ? "linux"
            : System.OperatingSystem.IsWindows() ? "win"
            : System.OperatingSystem.IsMacOS() ? "osx"
            : System.OperatingSystem.IsAndroid() ? "android"
            : System.OperatingSystem.IsIOS() ? "ios"
            : System.OperatingSystem.IsBrowser() ? "browser"
            : "unknown";
        string arch = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        var accelerators = ImmutableArray.CreateBuilder<string>();
        accelerators.Add("cpu");
        if (TryLoad(System.OperatingSystem.IsWindows() ? "nvcuda.dll" : "libcuda.so.1"))
        {
            accelerators.Add("cuda");
        }

        if (System.OperatingSystem.IsMacOS() && RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64)
        {
            accelerators.Add("metal");
        }

        long totalBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return new PlatformDescription
        {
            OperatingSystem = os,
            Architecture = arch,
            Accelerators = accelerators.ToImmutable(),
            HostMemoryMiB = totalBytes > 0 ? totalBytes / (1024 * 1024) : null,
        };
    }

    private static bool TryLoad(string library)
    {
        if (!NativeLibrary.TryLoad(library, out IntPtr handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    }
}
