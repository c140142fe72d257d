using BenchmarkDotNet.Running;

// Issue 7: receipt verification ≤ 5 ms excluding RPC round trips.
//   dotnet run -c Release --project bench/IdentityEhr.AuditLog.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
