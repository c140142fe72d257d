// Interop helper for tests/IdentityEhr.Interop.Tests: the reference did:ethr resolver (ethr-did-resolver 11.1.3 via did-resolver).
//   node tests/Interop/did-ethr.mjs <rpcUrl> <chainId> <registry>  < ["did:ethr:…?versionId=7", …]   → [{did, result}]
import { Resolver } from 'did-resolver';
import { getResolver } from 'ethr-did-resolver';

const [rpcUrl, chainId, registry] = process.argv.slice(2);
if (!rpcUrl || !chainId || !registry) {
  process.stderr.write('usage: node tests/Interop/did-ethr.mjs <rpcUrl> <chainId> <registry>\n');
  process.exit(2);
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const dids = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const resolver = new Resolver(getResolver({ networks: [{ name: 'dev', chainId: Number(chainId), rpcUrl, registry }] }));
const results = [];
for (const did of dids) {
  results.push({ did, result: await resolver.resolve(did) });
}
process.stdout.write(JSON.stringify(results) + '\n');
