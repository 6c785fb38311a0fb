import { execFileSync } from 'node:child_process';

export interface InstallSize {
  /** disk usage of node_modules, KiB (du -sk) */
  kib: number;
  /** the largest installed packages, KiB each */
  largest: { name: string; kib: number }[];
}

/** What a project's node_modules takes on disk, and which packages take most of it. */
export function installSize(dir: string, top = 4): InstallSize {
  const du = (pattern: string) =>
    execFileSync('sh', ['-c', `du -sk ${pattern} 2>/dev/null || true`], { cwd: dir, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [kib, path] = line.split('\t');
        return { name: path!.replace(/^node_modules\//, ''), kib: Number(kib) };
      });
  const [total] = du('node_modules');
  const largest = du('node_modules/[!@.]* node_modules/@*/*')
    .sort((a, b) => b.kib - a.kib)
    .slice(0, top);
  return { kib: total?.kib ?? 0, largest };
}

export const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;
