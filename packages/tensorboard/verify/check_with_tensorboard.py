"""Loads a logdir with TensorBoard's own Python backend and asks every dashboard's HTTP API for its data, the
requests the TensorBoard frontend makes. Needs the `tensorboard` Python package (and werkzeug, numpy, markdown,
bleach, which it imports). Usage:

    TK_TB_LOGDIR=/tmp/tk-logs npx vitest run test/seed-logs.test.ts test/summary-writer.test.ts
    python3 verify/check_with_tensorboard.py /tmp/tk-logs

Exits 1 when a check fails. Loads with the pure-Python multiplexer (--load_fast=false), the loader that also
implements purging; the Rust data server reads the same files.
"""
import io
import json
import sys
import time
from urllib.parse import urlencode

from werkzeug.test import Client
from tensorboard import default, program
from tensorboard.backend import application

logdir = sys.argv[1]
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


plugins = default.get_plugins()
# The projector is a "dynamic" plugin found through package entry points; add it when those are missing (a
# TensorBoard source checkout rather than an installed wheel).
from tensorboard.plugins.projector.projector_plugin import ProjectorPlugin

if ProjectorPlugin not in plugins:
    plugins.append(ProjectorPlugin)
tb = program.TensorBoard(plugins=plugins)
tb.configure(logdir=logdir, load_fast="false", reload_task="blocking", reload_interval=0)
provider, multiplexer = tb._make_data_provider()
app = application.TensorBoardWSGIApp(tb.flags, tb.plugin_loaders, provider, tb.assets_zip_provider, multiplexer)
client = Client(app)


def get(path, **args):
    r = client.get(path + ("?" + urlencode(args, doseq=True) if args else ""))
    if r.status_code != 200:
        raise RuntimeError(f"GET {path} {args}: HTTP {r.status_code}: {r.get_data(as_text=True)[:300]}")
    return r


def get_json(path, **args):
    return json.loads(get(path, **args).get_data(as_text=True))


def post_json(path, body):
    r = client.post(path, data=json.dumps(body), content_type="application/json")
    if r.status_code != 200:
        raise RuntimeError(f"POST {path}: HTTP {r.status_code}: {r.get_data(as_text=True)[:300]}")
    return json.loads(r.get_data(as_text=True))


runs = get_json("/data/runs")
print("runs:", runs)
get_json("/data/plugins_listing")
time.sleep(2)  # the projector decides whether it is active in a background thread; the frontend asks again
listing = get_json("/data/plugins_listing")
enabled = sorted(k for k, v in listing.items() if v.get("enabled"))
print("dashboards enabled:", enabled)
seed = [r for r in runs if r.startswith("cifar")]
for tab in ["scalars", "images", "histograms", "distributions", "graphs", "text", "hparams"]:
    check(tab in enabled, f"the {tab} dashboard is enabled")
if any(r.startswith("all/") for r in runs):
    for tab in ["pr_curves", "custom_scalars", "projector"]:
        check(tab in enabled, f"the {tab} dashboard is enabled")

# Scalars
tags = get_json("/data/plugin/scalars/tags")
for run in seed:
    check(set(tags.get(run, {})) >= {"train_loss", "test_loss", "test_accuracy"}, f"{run}: scalar tags {sorted(tags.get(run, {}))}")
    pts = get_json("/data/plugin/scalars/scalars", run=run, tag="train_loss")
    check([p[1] for p in pts] == list(range(100, 1000, 100)), f"{run}: train_loss steps {[p[1] for p in pts]}")
    acc = get_json("/data/plugin/scalars/scalars", run=run, tag="test_accuracy")
    check([p[1] for p in acc] == [0, 1, 2], f"{run}: test_accuracy steps {[p[1] for p in acc]} values {[round(p[2], 4) for p in acc]}")

# Images
itags = get_json("/data/plugin/images/tags")
for run in seed:
    check("input" in itags.get(run, {}), f"{run}: image tag 'input'")
    meta = get_json("/data/plugin/images/images", run=run, tag="input")
    check(len(meta) == 1 and meta[0]["step"] == 0, f"{run}: one input image at step 0")
    blob = get("/data/plugin/images/individualImage?" + meta[0]["query"])
    from PIL import Image

    im = Image.open(io.BytesIO(blob.get_data()))
    check(blob.headers["Content-Type"] == "image/png" and im.size == (256, 64) and im.mode == "RGB",
          f"{run}: the image is served as a {im.size[0]}x{im.size[1]} {im.mode} PNG ({len(blob.get_data())} bytes)")

# Histograms and distributions
htags = get_json("/data/plugin/histograms/tags")
for run in seed:
    check("0.weight" in htags.get(run, {}), f"{run}: histogram tags {sorted(htags.get(run, {}))[:4]}...")
    hist = get_json("/data/plugin/histograms/histograms", run=run, tag="0.weight")
    check(len(hist) == 3 and len(hist[0][2]) > 0, f"{run}: 0.weight histograms at steps {[h[1] for h in hist]}, {len(hist[0][2])} buckets")
    dist = get_json("/data/plugin/distributions/distributions", run=run, tag="0.weight")
    check(len(dist) == 3 and len(dist[0][2]) == 9, f"{run}: 0.weight distribution, 9 percentiles per step")

# Graph
ginfo = get_json("/data/plugin/graphs/info")
for run in seed:
    check(ginfo.get(run, {}).get("run_graph"), f"{run}: has a run graph")
    pbtxt = get("/data/plugin/graphs/graph", run=run).get_data(as_text=True)
    ok = 'name: "Sequential/Conv2d[0]/Conv2d"' in pbtxt and 'op: "Conv2d"' in pbtxt and "_output_shapes" in pbtxt
    check(ok, f"{run}: graph pbtxt ({pbtxt.count('node {')} nodes) holds scoped Conv2d nodes with _output_shapes")

# Text
ttags = get_json("/data/plugin/text/tags")
for run in seed:
    check("model/text_summary" in ttags.get(run, []), f"{run}: text tag model/text_summary")
    text = get_json("/data/plugin/text/text", run=run, tag="model/text_summary")
    check(len(text) == 1 and "Conv2d(3, 32" in text[0]["text"], f"{run}: text rendered: {text[0]['text'][:60]!r}")

# HParams: the experiment and one session group per run, with the metrics' last values.
exp = post_json("/data/plugin/hparams/experiment", {"experimentName": ""})
print("hparams experiment:", json.dumps(exp)[:400])
names = [h["name"] for h in exp.get("hparamInfos", [])]
check({"lr", "batch_size", "optimizer"} <= set(names), f"hparams experiment columns {names}")
groups = post_json(
    "/data/plugin/hparams/session_groups",
    {"experimentName": "", "allowedStatuses": ["STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING"],
     "colParams": [{"hparam": "lr"}, {"metric": {"tag": "test_accuracy", "group": ""}}], "startIndex": 0, "sliceSize": 100},
)
sessions = {s["name"]: s for g in groups.get("sessionGroups", []) for s in g["sessions"]}
print("hparams sessions:", {k: [(m["name"]["tag"], round(m["value"], 4)) for m in v.get("metricValues", [])] for k, v in sessions.items()})
for run in seed:
    s = sessions.get(run)
    check(s is not None, f"hparams: the run {run} is listed as a session")
    if s:
        vals = {m["name"]["tag"]: m["value"] for m in s.get("metricValues", [])}
        check(abs(vals.get("test_accuracy", -1) - (0.3 + 2 * (0.01 if "0.01" in run else 0.1))) < 1e-6, f"hparams: {run} test_accuracy = last curve value {vals.get('test_accuracy')}")

if any(r.startswith("all/") for r in runs):
    prt = get_json("/data/plugin/pr_curves/tags")
    pr_run = next((r for r in prt if "pr" in prt[r]), None)
    check(pr_run is not None, "pr_curves: a run with tag 'pr'")
    if pr_run:
        data = get_json("/data/plugin/pr_curves/pr_curves", run=pr_run, tag="pr")
        entry = data[pr_run][0]
        # TensorBoard drops trailing thresholds with no positive predictions (TP + FP = 0).
        check(entry["true_positives"] == [3, 3, 2, 2] and entry["false_positives"] == [2, 1, 1, 0],
              f"pr_curves: TP {entry['true_positives']} FP {entry['false_positives']} precision {entry['precision']}")
    layout = get_json("/data/plugin/custom_scalars/layout")
    check(layout.get("category", [{}])[0].get("title") == "Loss", f"custom_scalars layout: {json.dumps(layout)[:200]}")
    proj_runs = get_json("/data/plugin/projector/runs")
    emb_run = next((r for r in proj_runs if "embedding" in r), None)
    check(emb_run is not None, f"projector: runs {proj_runs}")
    if emb_run:
        cfg = get_json("/data/plugin/projector/info", run=emb_run)
        names = [e["tensorName"] for e in cfg["embeddings"]]
        check("feat/x:00002" in names, f"projector config embeddings {names}")
        t = get("/data/plugin/projector/tensor", run=emb_run, name="feat/x:00002").get_data()
        check(len(t) == 6 * 4, f"projector serves the tensor as 6 float32 ({len(t)} bytes)")
        md = get("/data/plugin/projector/metadata", run=emb_run, name="feat/x:00002").get_data(as_text=True)
        check(md == "a\nb\nc\n", f"projector metadata {md!r}")
        sp = get("/data/plugin/projector/sprite_image", run=emb_run, name="feat/x:00002").get_data()
        check(sp[:8] == b"\x89PNG\r\n\x1a\n", "projector serves the sprite PNG")
    purge_run = next((r for r in runs if "purge" in r), None)
    if purge_run:
        pts = get_json("/data/plugin/scalars/scalars", run=purge_run, tag="loss")
        check([(p[1], p[2]) for p in pts] == [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 105), (6, 106), (7, 107)],
              f"purgeStep: TensorBoard shows {[(p[1], p[2]) for p in pts]}")
    sc = next((r for r in runs if r.endswith("run_loss_train")), None)
    if sc:
        check("run/loss" in tags.get(sc, {}) if sc in tags else False, f"addScalars child run {sc} has tag run/loss")

print(f"\n{len(failures)} failed")
sys.exit(1 if failures else 0)
