// Independent JCS reference for the interop tests: npm `canonicalize` (Samuel Erdtman's RFC 8785 implementation) and
// the JavaScript engine's own Number-to-String, which RFC 8785 §3.2.2.3 adopts.
//   node jcs.mjs numbers      < ["<16 hex digits of an IEEE 754 double>", ...]   -> ["<String(x)>", ...]
//   node jcs.mjs canonicalize < ["<json text>", ...]                             -> ["<canonical text>", ...]
import canonicalize from 'canonicalize';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));

function fromHex(hex) {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt('0x' + hex));
  return view.getFloat64(0);
}

let output;
switch (process.argv[2]) {
  case 'numbers': output = input.map((hex) => String(fromHex(hex))); break;
  case 'canonicalize': output = input.map((text) => canonicalize(JSON.parse(text))); break;
  default: console.error(`unknown mode: ${process.argv[2]}`); process.exit(2);
}
process.stdout.write(JSON.stringify(output));
