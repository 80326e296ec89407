using System.Runtime.Versioning;

// The suite exercises Unix behaviour (file modes, hardlinks, SIGKILL); it runs on Linux and macOS.
[assembly: SupportedOSPlatform("linux")]
[assembly: SupportedOSPlatform("macos")]
