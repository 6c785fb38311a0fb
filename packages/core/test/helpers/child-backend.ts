import { execFileSync } from 'node:child_process';

/**
 * useBackend() in a child process with `env` added (TRAINKIT_BACKEND, TRAINKIT_DISABLE_*), so that the tfjs engine of
 * the calling test file stays untouched. Returns the child's stdout (a JSON line: name, source, describeBackend())
 * and stderr.
 */
export function childBackend(env: Record<string, string>): { out: string; err: string } {
  const script = `
    import { useBackend, describeBackend, tf } from '${new URL('../../src/index.ts', import.meta.url).pathname}';
    const info = await useBackend();
    tf.tidy(() => tf.add(tf.ones([2]), tf.ones([2])).dataSync());
    console.log(JSON.stringify({ name: info.name, source: info.source, line: describeBackend() }));
  `;
  try {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { out, err: '' };
  } catch (e) {
    const err = e as { stdout: string; stderr: string };
    return { out: err.stdout, err: err.stderr };
  }
}
