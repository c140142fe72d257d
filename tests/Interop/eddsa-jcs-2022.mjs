// An independent eddsa-jcs-2022 (W3C Data Integrity EdDSA Cryptosuites 1.0 §3.3) written from the spec's algorithm on npm
// `canonicalize` (JCS), @noble/curves (Ed25519), multiformats (base58btc) and node's SHA-256.
//   node eddsa-jcs-2022.mjs verify < [{"document": {...}, "publicKeyMultibase": "z6Mk..."}, ...]  -> [true|false, ...]
//   node eddsa-jcs-2022.mjs sign   < {"document": {...}, "seedHex": "...", "verificationMethod": "...", "created": "..."}
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { ed25519 } from '@noble/curves/ed25519.js';
import { base58btc } from 'multiformats/bases/base58';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const sha256 = (text) => createHash('sha256').update(Buffer.from(text, 'utf8')).digest();
const hashData = (proofConfig, document) => Buffer.concat([sha256(canonicalize(proofConfig)), sha256(canonicalize(document))]);

function publicKeyOf(multibase) {
  const bytes = base58btc.decode(multibase);
  if (bytes[0] !== 0xed || bytes[1] !== 0x01 || bytes.length !== 34) throw new Error('not an Ed25519 multikey');
  return bytes.slice(2);
}

function verify({ document, publicKeyMultibase }) {
  try {
    const { proof, ...unsecured } = document;
    if (proof?.type !== 'DataIntegrityProof' || proof.cryptosuite !== 'eddsa-jcs-2022') return false;
    const { proofValue, ...options } = proof;
    if (options['@context'] !== undefined) {
      const want = [options['@context']].flat();
      const have = [unsecured['@context']].flat();
      if (!want.every((c, i) => JSON.stringify(c) === JSON.stringify(have[i]))) return false;
      unsecured['@context'] = options['@context'];
    }
    return ed25519.verify(base58btc.decode(proofValue), hashData(options, unsecured), publicKeyOf(publicKeyMultibase));
  } catch {
    return false;
  }
}

function sign({ document, seedHex, verificationMethod, created }) {
  const proof = { type: 'DataIntegrityProof', cryptosuite: 'eddsa-jcs-2022', created, verificationMethod, proofPurpose: 'assertionMethod' };
  if (document['@context'] !== undefined) proof['@context'] = document['@context'];
  const signature = ed25519.sign(hashData(proof, document), Buffer.from(seedHex, 'hex'));
  return { ...document, proof: { ...proof, proofValue: base58btc.encode(signature) } };
}

let output;
switch (process.argv[2]) {
  case 'verify': output = input.map(verify); break;
  case 'sign': output = sign(input); break;
  default: console.error(`unknown mode: ${process.argv[2]}`); process.exit(2);
}
process.stdout.write(JSON.stringify(output));
