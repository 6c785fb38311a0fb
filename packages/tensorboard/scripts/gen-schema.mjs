// Turns proto/*.proto into src/generated/schema.json, the descriptor the package loads at run time with
// protobufjs/light (no .proto parsing, no files to ship). Run `node scripts/gen-schema.mjs` after editing a
// .proto; `node scripts/gen-schema.mjs --check` exits 1 when the committed JSON is stale (a test runs it too).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const here = dirname(fileURLToPath(import.meta.url));
const protoDir = join(here, '..', 'proto');
const outFile = join(here, '..', 'src', 'generated', 'schema.json');

export function buildSchema() {
  const files = readdirSync(protoDir)
    .filter((f) => f.endsWith('.proto'))
    .sort()
    .map((f) => join(protoDir, f));
  const root = new protobuf.Root();
  root.loadSync(files, { keepCase: false });
  root.resolveAll();
  return `${JSON.stringify(root.toJSON(), null, 1)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = buildSchema();
  if (process.argv.includes('--check')) {
    const current = readFileSync(outFile, 'utf8');
    if (current !== text) {
      console.error(`${outFile} is stale: run node scripts/gen-schema.mjs`);
      process.exit(1);
    }
  } else {
    writeFileSync(outFile, text);
    console.log(`wrote ${outFile} (${text.length} bytes)`);
  }
}
