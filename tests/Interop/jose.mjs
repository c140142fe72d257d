// npm `jose` (panva) as the independent JOSE implementation for the interop tests.
//   node jose.mjs jws-verify  < {"jws": "...", "jwk": {public}}                        -> {"header": {...}, "payloadB64": "..."} | {"error": "..."}
//   node jose.mjs jws-sign    < {"payloadB64": "...", "jwk": {private}, "alg": "...", "kid": "..."} -> "compact"
//   node jose.mjs jwe-decrypt < {"jwe": "...", "jwk": {private X25519}}                 -> {"plaintextB64": "..."} | {"error": "..."}
//   node jose.mjs jwe-encrypt < {"plaintextB64": "...", "jwk": {public X25519}, "kid": "..."} -> "compact"
import * as jose from 'jose';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const b64 = (bytes) => Buffer.from(bytes).toString('base64url');
const unb64 = (text) => new Uint8Array(Buffer.from(text, 'base64url'));

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
    default:
      throw new Error(`unknown mode: ${mode}`);
  }
}

try {
  process.stdout.write(JSON.stringify(await run(process.argv[2])));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: String(error.code ?? error.message) }));
}
