// Interop helper for tests/IdentityEhr.Interop.Tests: the reference JWT VC implementation (did-jwt-vc 4.0.16 on did-jwt 8.0.18).
//   node tests/Interop/did-jwt-vc.mjs verify-credential   < {jwt, ethr?}                        → {verified, payload, issuer, signer, header, verifiableCredential} | {error}
//   node tests/Interop/did-jwt-vc.mjs verify-presentation < {jwt, challenge?, domain?, ethr?}    → {verified, payload, issuer, signer, header, verifiablePresentation} | {error}
//   node tests/Interop/did-jwt-vc.mjs create-credential   < {payload, issuer, header?}            → {jwt} | {error}
//   node tests/Interop/did-jwt-vc.mjs create-presentation < {payload, holder, challenge?, domain?, header?} → {jwt} | {error}
// issuer / holder: {did, alg: "EdDSA"|"ES256K"|"ES256K-R"|"ES256", privateKeyHex, kid?}; EdDSA takes the 32-byte seed
// (a 64-byte seed‖public key is accepted too), the ECDSA algorithms a 32-byte scalar. kid, when given, goes into the header
// (did-jwt never reads it back). header: optional extra JOSE header members, e.g. {"typ": "vc+jwt"}.
// ethr: {rpcUrl, registry, chainId, name?} or null; did:key always resolves through key-did-resolver, offline.
// Optional verify inputs, passed through to did-jwt-vc / did-jwt unchanged: policies ({now, issuanceDate, expirationDate,
// format, aud}), proofPurpose ("assertionMethod"|"authentication"|…; did-jwt-vc sets none), skewTime (default 300 s), audience.
// Verification failures are reported as {error} with exit code 0; bad usage exits 2.
import { Resolver } from 'did-resolver';
import * as KeyDidResolver from 'key-did-resolver';
import { getResolver as getEthrResolver } from 'ethr-did-resolver';
import { EdDSASigner, ES256KSigner, ES256Signer, decodeJWT } from 'did-jwt';
import {
  createVerifiableCredentialJwt,
  createVerifiablePresentationJwt,
  verifyCredential,
  verifyPresentation,
} from 'did-jwt-vc';

const mode = process.argv[2];

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function resolverFor(ethr) {
  const methods = { ...KeyDidResolver.getResolver() };
  if (ethr) {
    const network = { rpcUrl: ethr.rpcUrl, registry: ethr.registry, chainId: Number(ethr.chainId) };
    if (ethr.name) network.name = ethr.name;
    Object.assign(methods, getEthrResolver({ networks: [network] }));
  }
  return new Resolver(methods);
}

function signerFor({ alg, privateKeyHex }) {
  const key = Uint8Array.from(Buffer.from(String(privateKeyHex).replace(/^0x/, ''), 'hex'));
  switch (alg) {
    case 'EdDSA':
    case 'Ed25519':
      return EdDSASigner(key);
    case 'ES256K':
      return ES256KSigner(key);
    case 'ES256K-R':
      return ES256KSigner(key, true);
    case 'ES256':
      return ES256Signer(key);
    default:
      throw new Error(`unsupported alg ${alg}`);
  }
}

function signingIssuer(key) {
  return { did: key.did, alg: key.alg, signer: signerFor(key) };
}

function headerFor(input, key) {
  const header = { ...(input.header ?? {}) };
  if (key.kid) header.kid = key.kid;
  return header;
}

function verifyOptions(input) {
  const options = {};
  for (const name of ['policies', 'proofPurpose', 'skewTime', 'audience']) {
    if (input[name] !== undefined && input[name] !== null) options[name] = input[name];
  }
  return options;
}

function verifiedResult(verified, normalizedName) {
  return {
    verified: verified.verified,
    payload: verified.payload,
    issuer: verified.issuer,
    signer: verified.signer?.id ?? null,
    header: decodeJWT(verified.jwt, false).header,
    [normalizedName]: verified[normalizedName],
  };
}

const modes = {
  async 'verify-credential'(input) {
    const verified = await verifyCredential(input.jwt, resolverFor(input.ethr), verifyOptions(input));
    return verifiedResult(verified, 'verifiableCredential');
  },
  async 'verify-presentation'(input) {
    const options = verifyOptions(input);
    if (input.challenge !== undefined && input.challenge !== null) options.challenge = input.challenge;
    if (input.domain !== undefined && input.domain !== null) options.domain = input.domain;
    const verified = await verifyPresentation(input.jwt, resolverFor(input.ethr), options);
    return verifiedResult(verified, 'verifiablePresentation');
  },
  async 'create-credential'(input) {
    const jwt = await createVerifiableCredentialJwt(input.payload, signingIssuer(input.issuer), {
      header: headerFor(input, input.issuer),
    });
    return { jwt };
  },
  async 'create-presentation'(input) {
    const options = { header: headerFor(input, input.holder) };
    if (input.challenge !== undefined && input.challenge !== null) options.challenge = input.challenge;
    if (input.domain !== undefined && input.domain !== null) options.domain = input.domain;
    const jwt = await createVerifiablePresentationJwt(input.payload, signingIssuer(input.holder), options);
    return { jwt };
  },
};

const run = modes[mode];
if (!run) {
  process.stderr.write('usage: node tests/Interop/did-jwt-vc.mjs verify-credential|verify-presentation|create-credential|create-presentation\n');
  process.exit(2);
}
const input = await readStdin();
let output;
try {
  output = await run(input);
} catch (e) {
  output = { error: String(e?.message ?? e) };
}
process.stdout.write(JSON.stringify(output) + '\n');
