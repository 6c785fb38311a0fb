"""Loads an s3:// logdir with TensorBoard's own Python backend (its boto3 S3 file system, the pure-Python loader that
TensorBoard falls back to for s3://) and checks that every scalar it serves matches a CSV of what trainkit's reader
read (`trainkit-tb export --csv LOGDIR --out F`). Needs TensorBoard's Python package or source (with generated
protobuf modules), boto3, and the endpoint in S3_ENDPOINT (TensorBoard's variable; boto3 takes the credentials from
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). Usage:

    S3_ENDPOINT=http://127.0.0.1:PORT python3 verify/check_s3_with_tensorboard.py s3://bucket/runs scalars.csv

Exits 1 when a check fails.
"""
import csv
import json
import struct
import sys
from collections import defaultdict
from urllib.parse import urlencode

from werkzeug.test import Client
from tensorboard import default, program
from tensorboard.backend import application

logdir, csv_path = sys.argv[1], sys.argv[2]
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


expected = defaultdict(dict)
with open(csv_path, newline="") as f:
    for row in csv.DictReader(f):
        expected[row["run"]].setdefault(row["tag"], []).append((int(row["step"]), float(row["value"])))

tb = program.TensorBoard(plugins=default.get_plugins())
tb.configure(logdir=logdir, load_fast="false", reload_task="blocking", reload_interval=0)
provider, multiplexer = tb._make_data_provider()
app = application.TensorBoardWSGIApp(tb.flags, tb.plugin_loaders, provider, tb.assets_zip_provider, multiplexer)
client = Client(app)


def get_json(path, **args):
    r = client.get(path + ("?" + urlencode(args, doseq=True) if args else ""))
    if r.status_code != 200:
        raise RuntimeError(f"GET {path} {args}: HTTP {r.status_code}: {r.get_data(as_text=True)[:300]}")
    return json.loads(r.get_data(as_text=True))


runs = get_json("/data/runs")
print("runs:", runs)
check(sorted(runs) == sorted(expected), f"TensorBoard's runs {sorted(runs)} are trainkit's {sorted(expected)}")
tags = get_json("/data/plugin/scalars/tags")
f32 = lambda v: struct.unpack("f", struct.pack("f", v))[0]
for run, by_tag in sorted(expected.items()):
    check(set(tags.get(run, {})) == set(by_tag), f"{run}: scalar tags {sorted(tags.get(run, {}))}")
    for tag, points in sorted(by_tag.items()):
        served = get_json("/data/plugin/scalars/scalars", run=run, tag=tag)
        got = [(s, f32(v)) for _, s, v in served]
        want = [(s, f32(v)) for s, v in points]
        check(got == want, f"{run} {tag}: {len(got)} points, steps {got[0][0] if got else '-'}..{got[-1][0] if got else '-'}")
if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("all checks passed")
