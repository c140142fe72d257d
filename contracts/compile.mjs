// Compiles contracts/src with the pinned solc-js and writes contracts/artifacts/<Name>.json (ABI + bytecode),
// and copies the ERC-1056 registry artifact from the pinned npm package ethr-did-registry.
// Usage: node contracts/compile.mjs [--out DIR]   (default DIR: contracts/artifacts)
// The output is deterministic, so a fresh compile can be compared byte for byte with the committed artifacts.
import { existsSync, readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

function fail(message) {
  process.stderr.write(`compile-contracts: ${message}\n`);
  process.exit(1);
}

let out = join(here, 'artifacts');
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--out' && i + 1 < args.length) out = resolve(args[++i]);
  else fail(`unknown argument '${args[i]}' (usage: node contracts/compile.mjs [--out DIR])`);
}

let solc;
try {
  solc = require('solc');
} catch {
  fail(`the npm package 'solc' is not installed: run 'npm ci' in ${root}`);
}

// Settings are part of the artifact so that anyone can reproduce the bytecode.
const settings = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  metadata: { bytecodeHash: 'none' },
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
};

const srcDir = join(here, 'src');
const sources = {};
for (const file of readdirSync(srcDir).filter((f) => f.endsWith('.sol')).sort()) {
  sources[file] = { content: readFileSync(join(srcDir, file), 'utf8') };
}

const output = JSON.parse(solc.compile(JSON.stringify({ language: 'Solidity', sources, settings })));
const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
for (const e of output.errors ?? []) process.stderr.write(`${e.formattedMessage}\n`);
if (errors.length > 0) fail(`${errors.length} compile error(s)`);

mkdirSync(out, { recursive: true });
const write = (name, artifact) => writeFileSync(join(out, `${name}.json`), JSON.stringify(artifact, null, 2) + '\n');

for (const [sourceName, contracts] of Object.entries(output.contracts)) {
  for (const [contractName, c] of Object.entries(contracts)) {
    if (c.evm.bytecode.object.length === 0) continue; // interfaces have no bytecode
    write(contractName, {
      contractName,
      sourceName: `contracts/src/${sourceName}`,
      compiler: { name: 'solc-js', version: solc.version(), settings: { ...settings, outputSelection: undefined } },
      abi: c.abi,
      bytecode: `0x${c.evm.bytecode.object}`,
      deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
    });
  }
}

// The canonical ERC-1056 registry: the artifact as the ethr-did-registry package publishes it (compiled by its authors).
// (Its package.json "exports" hides the artifacts from require.resolve, so look in node_modules directly.)
const registryDir = join(root, 'node_modules', 'ethr-did-registry');
const registryPkg = join(registryDir, 'package.json');
if (!existsSync(registryPkg)) fail(`the npm package 'ethr-did-registry' is not installed: run 'npm ci' in ${root}`);
const registryVersion = JSON.parse(readFileSync(registryPkg, 'utf8')).version;
const registry = JSON.parse(
  readFileSync(join(registryDir, 'artifacts/contracts/EthereumDIDRegistry.sol/EthereumDIDRegistry.json'), 'utf8'));
write('EthereumDIDRegistry', {
  contractName: registry.contractName,
  sourceName: `npm:ethr-did-registry@${registryVersion}/${registry.sourceName}`,
  compiler: { name: 'solc', version: '0.8.6', settings: { optimizer: { enabled: true, runs: 1000 } } },
  abi: registry.abi,
  bytecode: registry.bytecode,
  deployedBytecode: registry.deployedBytecode,
});
