// Starts the tests' S3 server (radosgw on a single-node Ceph, see s3-test-server.ts) for trying s3:// logs by hand:
// prints the environment to export, then serves until Ctrl-C. Needs: apt-get install -y radosgw ceph-mon ceph-osd.
//
//   node --import tsx tools/testing/s3-local-server.ts [BUCKET...]      (default bucket: trainkit)
import { loadS3Sdk } from '../../packages/tensorboard/src/index.js';
import { startS3TestServer } from './s3-test-server.js';

const buckets = process.argv.slice(2);
const server = await startS3TestServer((await loadS3Sdk()) as never, {
  buckets: buckets.length ? buckets : ['trainkit'],
});
process.stderr.write(
  `radosgw answering on ${server.endpoint} after ${server.startSeconds.toFixed(1)} s; Ctrl-C stops it\n`,
);
for (const [k, v] of Object.entries({ ...server.env, S3_ENDPOINT: server.endpoint })) {
  process.stdout.write(`export ${k}=${v}\n`);
}
const stop = () => {
  void server.stop().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
setInterval(() => {}, 1 << 30);
