namespace ModelManifest.Tests;

public sealed class CompatibilityCheckerTests
{
    private static readonly PlatformDescription s_linuxCpu = new() { OperatingSystem = "linux", Architecture = "x64", HostMemoryMiB = 65536 };

    private static ModelInfo Model(ModelCompatibility? compatibility) => new() { Id = "m", Version = "1.0.0", Compatibility = compatibility };

    [Fact]
    public void Listed_platform_compatible_accelerator_and_enough_memory_is_compatible()
    {
        var report = CompatibilityChecker.Check(Model(new()
        {
            Platforms = ["linux-x64"],
            Accelerators = ImmutableDictionary<string, CompatibilityStatus>.Empty.Add("cpu", CompatibilityStatus.Compatible),
            MinHostMemoryMiB = 4096,
        }), s_linuxCpu);
        Assert.Equal(CompatibilityVerdict.Compatible, report.Verdict);
        Assert.Contains(report.Reasons, r => r.Contains("linux-x64 is a listed platform", StringComparison.Ordinal));
    }

    [Fact]
    public void Too_little_host_memory_is_incompatible_with_the_reason()
    {
        var report = CompatibilityChecker.Check(Model(new()
        {
            Platforms = ["linux-x64"],
            Accelerators = ImmutableDictionary<string, CompatibilityStatus>.Empty.Add("cpu", CompatibilityStatus.Compatible),
            MinHostMemoryMiB = 131072,
        }), s_linuxCpu);
        Assert.Equal(CompatibilityVerdict.Incompatible, report.Verdict);
        Assert.Contains(report.Reasons, r => r.Contains("needs 131072 MiB of host memory, 65536 MiB available", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_available_accelerator_incompatible_is_incompatible()
    {
        var report = CompatibilityChecker.Check(Model(new()
        {
            Platforms = ["linux-x64"],
            Accelerators = ImmutableDictionary<string, CompatibilityStatus>.Empty.Add("cpu", CompatibilityStatus.Incompatible).Add("cuda", CompatibilityStatus.Compatible),
        }), s_linuxCpu);
        Assert.Equal(CompatibilityVerdict.Incompatible, report.Verdict);
        var withCuda = CompatibilityChecker.Check(Model(new()
        {
            Platforms = ["linux-x64"],
            Accelerators = ImmutableDictionary<string, CompatibilityStatus>.Empty.Add("cpu", CompatibilityStatus.Incompatible).Add("cuda", CompatibilityStatus.Compatible),
        }), s_linuxCpu with { Accelerators = ["cpu", "cuda"] });
        Assert.Equal(CompatibilityVerdict.Compatible, withCuda.Verdict);
    }

    [Fact]
    public void Unlisted_platform_or_missing_information_is_unknown_never_a_block()
    {
        Assert.Equal(CompatibilityVerdict.Unknown, CompatibilityChecker.Check(Model(null), s_linuxCpu).Verdict);
        var report = CompatibilityChecker.Check(Model(new()
        {
            Platforms = ["osx-arm64"],
            Accelerators = ImmutableDictionary<string, CompatibilityStatus>.Empty.Add("cpu", CompatibilityStatus.Compatible),
        }), s_linuxCpu);
        Assert.Equal(CompatibilityVerdict.Unknown, report.Verdict);
        Assert.Contains(report.Reasons, r => r.Contains("not among the listed platforms", StringComparison.Ordinal));
    }

    [Fact]
    public void Gpu_memory_shortfall_keeps_the_cpu_path()
    {
        var report = CompatibilityChecker.Check(Model(new()
        {
            Platforms = ["linux-x64"],
            Accelerators = ImmutableDictionary<string, CompatibilityStatus>.Empty.Add("cpu", CompatibilityStatus.Compatible).Add("cuda", CompatibilityStatus.Compatible),
            MinGpuMemoryMiB = 16384,
        }), s_linuxCpu with { Accelerators = ["cpu", "cuda"], GpuMemoryMiB = 8192 });
        Assert.Equal(CompatibilityVerdict.Compatible, report.Verdict);
        Assert.Contains(report.Reasons, r => r.Contains("the CPU path remains", StringComparison.Ordinal));
    }

    [Fact]
    public void Current_machine_is_described()
    {
        var current = PlatformDescription.Current();
        Assert.Contains("cpu", current.Accelerators);
        Assert.False(string.IsNullOrEmpty(current.RuntimeIdentifier));
        Assert.True(current.HostMemoryMiB > 0);
    }
}
