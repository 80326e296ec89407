using System.Runtime.Versioning;

// The suite runs real Linux programs (CNCF Distribution's docker-registry, skopeo, a shell credential helper).
[assembly: SupportedOSPlatform("linux")]
