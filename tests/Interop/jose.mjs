// npm `jose` (panva) as the independent JOSE implementation for the interop tests.
//   node jose.mjs jws-verify  < {"jws": "...", "jwk": {public}}                        -> {"header": {...}, "payloadB64": "..."} | {"error": "..."}
//   node jose.mjs jws-sign    < {"payloadB64": "...", "jwk": {private}, "alg": "...", "kid": "..."} -> "compact"
//   node jose.mjs jwe-decrypt < {"jwe": "...", "jwk": {private X25519}}                 -> {"plaintextB64": "..."} | {"error": "..."}
//   node jose.mjs jwe-encrypt < {"plaintextB64": "...", "jwk": {public X25519}, "kid": "..."} -> "compact"
//   node jose.mjs record-open < {"jwe", "jwk": {private X25519}, "ciphertextB64", "recordId", "patient", "resourceType", "version"}
//                             -> {"plaintextB64", "header"}: a released record opened with jose and WebCrypto alone
//   node jose.mjs record-seal < {"jwk": {public X25519}, "kid", "plaintextB64", "recordId", "patient", "resourceType", "version"}
//                             -> {"jwe", "ciphertextB64"}: a record sealed and its key released, written from specs/vault.md
import * as jose from 'jose';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const b64 = (bytes) => Buffer.from(bytes).toString('base64url');
const unb64 = (text) => new Uint8Array(Buffer.from(text, 'base64url'));

// The record's associated data (specs/vault.md): label, 0x00, u16 length + record id, u16 length + patient DID,
// u16 length + FHIR resource type, u32 version.
function recordAad(recordId, patient, resourceType, version) {
  const label = Buffer.from('identityehr/record/v1', 'ascii');
  const id = Buffer.from(recordId, 'ascii');
  const did = Buffer.from(patient, 'ascii');
  const type = Buffer.from(resourceType, 'ascii');
  const out = Buffer.alloc(label.length + 1 + 2 + id.length + 2 + did.length + 2 + type.length + 4);
  let o = label.copy(out, 0) + 1;
  o = out.writeUInt16BE(id.length, o); o += id.copy(out, o);
  o = out.writeUInt16BE(did.length, o); o += did.copy(out, o);
  o = out.writeUInt16BE(type.length, o); o += type.copy(out, o);
  out.writeUInt32BE(version, o);
  return out;
}

async function run(mode) {
  switch (mode) {
    case 'jws-verify': {
      const key = await jose.importJWK(input.jwk, input.jwk.crv === 'Ed25519' ? 'EdDSA' : 'ES256');
      const { payload, protectedHeader } = await jose.compactVerify(input.jws, key);
      return { header: protectedHeader, payloadB64: b64(payload) };
    }
    case 'jws-sign': {
      const key = await jose.importJWK(input.jwk, input.alg);
      return await new jose.CompactSign(unb64(input.payloadB64)).setProtectedHeader({ alg: input.alg, kid: input.kid, typ: input.typ }).sign(key);
    }
    case 'jwe-decrypt': {
      const key = await jose.importJWK(input.jwk, 'ECDH-ES+A256KW');
      const { plaintext } = await jose.compactDecrypt(input.jwe, key);
      return { plaintextB64: b64(plaintext) };
    }
    case 'jwe-encrypt': {
      const key = await jose.importJWK(input.jwk, 'ECDH-ES+A256KW');
      return await new jose.CompactEncrypt(unb64(input.plaintextB64)).setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: input.kid }).encrypt(key);
    }
    case 'record-open': {
      const key = await jose.importJWK(input.jwk, 'ECDH-ES+A256KW');
      const { plaintext, protectedHeader } = await jose.compactDecrypt(input.jwe, key);
      const jwk = JSON.parse(Buffer.from(plaintext).toString('utf8'));
      const dataKey = await jose.importJWK(jwk, 'A256GCM');
      const aes = await crypto.subtle.importKey('raw', dataKey, 'AES-GCM', false, ['decrypt']);
      const sealed = unb64(input.ciphertextB64);
      const opened = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: sealed.subarray(0, 12), additionalData: recordAad(input.recordId, input.patient, input.resourceType, input.version), tagLength: 128 },
        aes, sealed.subarray(12));
      return { plaintextB64: b64(new Uint8Array(opened)), header: protectedHeader };
    }
    case 'record-seal': {
      const raw = crypto.getRandomValues(new Uint8Array(32));
      const aes = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt']);
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = new Uint8Array(await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: recordAad(input.recordId, input.patient, input.resourceType, input.version), tagLength: 128 }, aes, unb64(input.plaintextB64)));
      const jwk = { kty: 'oct', alg: 'A256GCM', k: b64(raw) };
      const key = await jose.importJWK(input.jwk, 'ECDH-ES+A256KW');
      const jwe = await new jose.CompactEncrypt(Buffer.from(JSON.stringify(jwk), 'utf8'))
        .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: input.kid, cty: 'jwk+json' }).encrypt(key);
      return { jwe, ciphertextB64: b64(Buffer.concat([iv, sealed])) };
    }
    default:
      throw new Error(`unknown mode: ${mode}`);
  }
}

try {
  process.stdout.write(JSON.stringify(await run(process.argv[2])));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: String(error.code ?? error.message) }));
}
