// Validates documents against a JSON Schema 2020-12 with npm `ajv` (independent of our hand-written shape checks).
//   node json-schema.mjs <schema path> < [document, ...]  -> [true|false, ...]
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const documents = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const ajv = new Ajv2020({ strict: true, strictTuples: false, allowUnionTypes: true, allErrors: true });
const validate = ajv.compile(JSON.parse(readFileSync(process.argv[2], 'utf8')));
process.stdout.write(JSON.stringify(documents.map((d) => validate(d))));
