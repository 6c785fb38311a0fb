import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * What is in `dir`, path by path (symlinks not followed, FIFOs not opened): type, size, mode and an md5 of each
 * regular file; `skip` (relative to dir) is left out, the one place a case may write.
 */
export function snapshot(dir: string, skip?: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (p: string) => {
    const rel = relative(dir, p);
    if (skip !== undefined && (rel === skip || rel.startsWith(`${skip}/`))) return;
    const st = lstatSync(p);
    let sig = `${st.mode.toString(8)} ${st.size}`;
    if (st.isSymbolicLink()) sig += ` -> ${readlinkSync(p)}`;
    else if (st.isFile()) sig += ` md5 ${createHash('md5').update(readFileSync(p)).digest('hex')}`;
    out.set(rel || '.', sig);
    if (st.isDirectory()) for (const name of readdirSync(p)) walk(join(p, name));
  };
  walk(dir);
  return out;
}

/** The paths added, removed or changed between two snapshots. */
export function changedPaths(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [p, sig] of after) if (before.get(p) !== sig) out.push(before.has(p) ? `changed ${p}` : `added ${p}`);
  for (const p of before.keys()) if (!after.has(p)) out.push(`removed ${p}`);
  return out;
}
