using System.Globalization;

namespace ModelManifest;

/// <summary>
/// Checks a model's stated compatibility against a platform, softly: the result is a verdict with reasons.
/// Incompatible when something stated rules the platform out (every available accelerator is marked
/// incompatible, too little host memory); compatible when the platform is listed, an available accelerator is
/// marked compatible and stated memory needs are met; unknown otherwise. Rules live here, in code that ships
/// with the app, because what "compatible" means changes over time.
/// </summary>
public static class CompatibilityChecker
{
    /// <summary>Checks <paramref name="model"/> against <paramref name="platform"/>.</summary>
    public static CompatibilityReport Check(ModelInfo model, PlatformDescription platform)
    {
        var reasons = ImmutableArray.CreateBuilder<string>();
        bool incompatible = false;
        bool unknown = false;
        ModelCompatibility? c = model.Compatibility;
        if (c is null)
        {
            reasons.Add("the manifest states no compatibility information");
            return new CompatibilityReport(CompatibilityVerdict.Unknown, reasons.ToImmutable());
        }

        // Platforms: a list of known-good RIDs; absence from it is "not known", not "known bad".
        if (c.Platforms.IsEmpty)
        {
            unknown = true;
            reasons.Add("no platforms are listed");
        }
        else if (c.Platforms.Contains(platform.RuntimeIdentifier, StringComparer.OrdinalIgnoreCase))
        {
            reasons.Add(platform.RuntimeIdentifier + " is a listed platform");
        }
        else
        {
            unknown = true;
            reasons.Add(platform.RuntimeIdentifier + " is not among the listed platforms (" + string.Join(", ", c.Platforms) + ")");
        }

        // Accelerators: usable when at least one present accelerator is compatible.
        var statuses = platform.Accelerators
            .Select(a => (Name: a, Status: Lookup(c.Accelerators, a)))
            .ToList();
        var usable = statuses.Where(s => s.Status == CompatibilityStatus.Compatible).Select(s => s.Name).ToList();
        if (usable.Count > 0)
        {
            reasons.Add("compatible with available accelerator(s): " + string.Join(", ", usable));
        }
        else if (statuses.All(s => s.Status == CompatibilityStatus.Incompatible))
        {
            incompatible = true;
            reasons.Add("incompatible with every available accelerator (" + string.Join(", ", platform.Accelerators) + ")");
        }
        else
        {
            unknown = true;
            reasons.Add("unknown whether it runs on the available accelerator(s): " + string.Join(", ", statuses.Where(s => s.Status == CompatibilityStatus.Unknown).Select(s => s.Name)));
        }

        if (c.MinHostMemoryMiB is long needHost)
        {
            if (platform.HostMemoryMiB is long haveHost)
            {
                if (haveHost < needHost)
                {
                    incompatible = true;
                    reasons.Add(string.Create(CultureInfo.InvariantCulture, $"needs {needHost} MiB of host memory, {haveHost} MiB available"));
                }
                else
                {
                    reasons.Add(string.Create(CultureInfo.InvariantCulture, $"host memory {haveHost} MiB meets the {needHost} MiB needed"));
                }
            }
            else
            {
                unknown = true;
                reasons.Add("host memory of this machine is unknown");
            }
        }

        if (c.MinGpuMemoryMiB is long needGpu)
        {
            bool cpuPath = Lookup(c.Accelerators, "cpu") == CompatibilityStatus.Compatible;
            if (platform.GpuMemoryMiB is long haveGpu && haveGpu < needGpu)
            {
                incompatible |= !cpuPath;
                reasons.Add(string.Create(CultureInfo.InvariantCulture, $"needs {needGpu} MiB of accelerator memory, {haveGpu} MiB available") + (cpuPath ? " (the CPU path remains)" : string.Empty));
            }
            else if (platform.GpuMemoryMiB is null && !cpuPath)
            {
                unknown = true;
                reasons.Add(string.Create(CultureInfo.InvariantCulture, $"needs {needGpu} MiB of accelerator memory; this machine's is unknown"));
            }
        }

        CompatibilityVerdict verdict = incompatible ? CompatibilityVerdict.Incompatible
            : unknown ? CompatibilityVerdict.Unknown
            : CompatibilityVerdict.Compatible;
        return new CompatibilityReport(verdict, reasons.ToImmutable());
    }

    private static CompatibilityStatus Lookup(ImmutableDictionary<string, CompatibilityStatus> map, string accelerator)
    {
        foreach (var pair in map)
        {
            if (string.Equals(pair.Key, accelerator, StringComparison.OrdinalIgnoreCase))
            {
                return pair.Value;
            }
        }

        return CompatibilityStatus.Unknown;
    }
}
