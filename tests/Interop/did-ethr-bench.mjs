// Times ethr-did-resolver 11.1.3 resolving one DID, for bench/IdentityEhr.Ethereum.Load (same anvil, same DID, same run).
//   node tests/Interop/did-ethr-bench.mjs <rpcUrl> <chainId> <registry> <did> <count>   → {"medianMs":…, "meanMs":…}
import { Resolver } from 'did-resolver';
import { getResolver } from 'ethr-did-resolver';

const [rpcUrl, chainId, registry, did, count] = process.argv.slice(2);
const resolver = new Resolver(getResolver({ networks: [{ name: 'dev', chainId: Number(chainId), rpcUrl, registry }] }), { cache: false });
const times = [];
await resolver.resolve(did); // warm-up
for (let i = 0; i < Number(count); i++) {
  const start = process.hrtime.bigint();
  const result = await resolver.resolve(did);
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  if (!result.didDocument) throw new Error('resolution failed');
}
times.sort((a, b) => a - b);
process.stdout.write(JSON.stringify({ medianMs: times[Math.floor(times.length / 2)], meanMs: times.reduce((a, b) => a + b, 0) / times.length }) + '\n');
