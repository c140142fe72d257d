using BenchmarkDotNet.Running;

// Issue 8: AES-GCM throughput of the vault's cipher against raw AesGcm, and the key release's crypto against its two X25519
// scalar multiplications.
//   dotnet run -c Release --project bench/IdentityEhr.Vault.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
