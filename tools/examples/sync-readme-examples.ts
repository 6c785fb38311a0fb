// `pnpm readme-examples`: copies each example file into the README block that shows it. With --check, changes
// nothing and exits 1 when a README's ts block is unmarked, names a missing file, or differs from its file.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkReadmeExamples } from './readme-blocks.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const check = process.argv.includes('--check');

const readmes = [join(root, 'README.md')];
for (const group of ['packages', 'apps', 'tools']) {
  for (const name of readdirSync(join(root, group)).sort()) {
    const readme = join(root, group, name, 'README.md');
    if (existsSync(readme)) readmes.push(readme);
  }
}

let failed = 0;
for (const readme of readmes) {
  for (const p of checkReadmeExamples(readme, { write: !check })) {
    console.error(`${relative(root, readme)}:${p.line}: ${p.message}`);
    failed++;
  }
}
if (failed > 0) process.exit(1);
console.log(`readme-examples: ${readmes.length} READMEs ${check ? 'match their example files' : 'up to date'}`);
