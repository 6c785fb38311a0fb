import { describeBackend, tf, useBackend } from '@trainkit/core';
await useBackend('wasm');
const x = tf.randomUniform([64, 16, 16, 32]);
const f = tf.randomUniform([5, 5, 32, 32]);
const out: string[] = [];
for (let r = 0; r < 30; r++) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  const y = tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'); y.dataSync(); y.dispose();
  const c = process.cpuUsage(c0); const wall = performance.now() - t0;
  out.push(`${wall.toFixed(0)}/${((c.user + c.system) / 1000).toFixed(0)}`);
  if (r === 14) await new Promise((res) => setTimeout(res, 100));
}
console.log(describeBackend(), out.join(' '));
