// Independent CID reference for the interop tests: npm `multiformats` (Protocol Labs' reference JavaScript implementation).
//   node cid.mjs of    < ["<base64 content>", ...]  -> ["<CIDv1 raw sha2-256, base32>", ...]
//   node cid.mjs parse < ["<text>", ...]            -> [<the CID re-printed as a raw sha2-256 v1 CID, or null when refused>, ...]
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));

let output;
switch (process.argv[2]) {
  case 'of':
    output = await Promise.all(input.map(async (b64) => CID.create(1, raw.code, await sha256.digest(Buffer.from(b64, 'base64'))).toString()));
    break;
  case 'parse':
    output = input.map((text) => {
      try {
        const cid = CID.parse(text);
        return cid.version === 1 && cid.code === raw.code && cid.multihash.code === sha256.code && cid.multihash.size === 32
          ? cid.toString()
          : null;
      } catch {
        return null;
      }
    });
    break;
  default: console.error(`unknown mode: ${process.argv[2]}`); process.exit(2);
}
process.stdout.write(JSON.stringify(output));
