using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/IdentityEhr.Identity.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
