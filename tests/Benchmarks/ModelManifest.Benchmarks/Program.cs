using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(ModelManifest.Benchmarks.ManifestReaderBenchmarks).Assembly).Run(args);
