using System.Runtime.CompilerServices;

// The engine's tests check cache internals (partial files, locks) directly.
[assembly: InternalsVisibleTo("ModelManifest.Assets.Tests")]
