// Interop helper for tests/IdentityEhr.Interop.Tests: independent did:key implementations from npm.
//   node tests/Interop/did-key.mjs resolve   < ["did:key:…", …]   → [{did, keyDidResolver, digitalbazaar}]
//   node tests/Interop/did-key.mjs generate                        → [{keyType, did, publicKeyHex}]
// Resolvers: key-did-resolver (Ceramic) through did-resolver, and @digitalbazaar/did-method-key (the spec editors').
// Generation: @digitalbazaar/ed25519-multikey for Ed25519; @noble/curves + multiformats for the EC curves.
import { Resolver } from 'did-resolver';
import * as KeyDidResolver from 'key-did-resolver';
import * as DidKeyDriver from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { X25519KeyAgreementKey2020 } from '@digitalbazaar/x25519-key-agreement-key-2020';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { base58btc } from 'multiformats/bases/base58';
import { varint } from 'multiformats';

const mode = process.argv[2];

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function hex(bytes) {
  return Buffer.from(bytes).toString('hex');
}

function didKey(codec, publicKey) {
  const header = varint.encodeTo(codec, new Uint8Array(varint.encodingLength(codec)));
  const bytes = new Uint8Array(header.length + publicKey.length);
  bytes.set(header, 0);
  bytes.set(publicKey, header.length);
  return `did:key:${base58btc.encode(bytes)}`;
}

async function resolve() {
  const dids = await readStdin();
  const ceramic = new Resolver(KeyDidResolver.getResolver());
  const driver = DidKeyDriver.driver();
  driver.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from });
  driver.use({ multibaseMultikeyHeader: 'z6LS', fromMultibase: X25519KeyAgreementKey2020.from });
  const results = [];
  for (const did of dids) {
    const entry = { did };
    try {
      const result = await ceramic.resolve(did);
      entry.keyDidResolver = { didDocument: result.didDocument, error: result.didResolutionMetadata?.error ?? null };
    } catch (e) {
      entry.keyDidResolver = { didDocument: null, error: String(e.message ?? e) };
    }
    try {
      entry.digitalbazaar = { didDocument: await driver.get({ did }), error: null };
    } catch (e) {
      entry.digitalbazaar = { didDocument: null, error: String(e.message ?? e) };
    }
    results.push(entry);
  }
  return results;
}

async function generate() {
  const out = [];
  const driver = DidKeyDriver.driver();
  driver.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from });
  const ed = await Ed25519Multikey.generate();
  const { didDocument } = await driver.fromKeyPair({ verificationKeyPair: ed });
  const edPublic = (await ed.export({ publicKey: true, raw: true })).publicKey;
  out.push({ keyType: 'Ed25519', did: didDocument.id, publicKeyHex: hex(edPublic) });
  for (const [keyType, curve, codec] of [['Secp256k1', secp256k1, 0xe7], ['P256', p256, 0x1200], ['P384', p384, 0x1201], ['P521', p521, 0x1202]]) {
    const secret = curve.utils.randomSecretKey();
    const publicKey = curve.getPublicKey(secret, true);
    out.push({ keyType, did: didKey(codec, publicKey), publicKeyHex: hex(publicKey) });
  }
  return out;
}

const run = mode === 'resolve' ? resolve : mode === 'generate' ? generate : null;
if (!run) {
  process.stderr.write('usage: node tests/Interop/did-key.mjs resolve|generate\n');
  process.exit(2);
}
process.stdout.write(JSON.stringify(await run()) + '\n');
