namespace ModelManifest.Generator.Tests;
