"""Asks TensorBoard's own backend for the HParams tab of a sweep's logdir (a path or s3://, read with TensorBoard's
boto3 S3 file system): the runs, the experiment, and the session groups with their hparams and metrics. Needs
TensorBoard's Python package or source (with generated protobuf modules) and, for s3://, boto3 and S3_ENDPOINT
(TensorBoard's variable; boto3 takes the credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). Usage:

    S3_ENDPOINT=http://127.0.0.1:PORT python3 verify/check_hparams_with_tensorboard.py s3://bucket/runs/SWEEP N

Exits 1 unless TensorBoard lists N session groups, each with one session and the hparams/test_accuracy metric.
"""
import json, sys
import types

try:
    from tensorboard.data.proto import data_provider_pb2_grpc  # noqa: F401
except ImportError:
    # A source tree without the generated gRPC module: only the Rust data server's provider needs it, which
    # load_fast=false does not start.
    import tensorboard.data.proto as _proto

    _proto.data_provider_pb2_grpc = types.ModuleType("data_provider_pb2_grpc")
    sys.modules["tensorboard.data.proto.data_provider_pb2_grpc"] = _proto.data_provider_pb2_grpc
from werkzeug.test import Client
from tensorboard import default, program
from tensorboard.backend import application

logdir, expected = sys.argv[1], int(sys.argv[2])
tb = program.TensorBoard(plugins=default.get_plugins())
tb.configure(logdir=logdir, load_fast="false", reload_task="blocking", reload_interval=0)
provider, multiplexer = tb._make_data_provider()
app = application.TensorBoardWSGIApp(tb.flags, tb.plugin_loaders, provider, tb.assets_zip_provider, multiplexer)
client = Client(app)
print("runs:", json.loads(client.get("/data/runs").get_data(as_text=True)))
exp = json.loads(client.post("/data/plugin/hparams/experiment", json={"experimentName": ""}).get_data(as_text=True))
print("experiment hparams:", sorted(h["name"] for h in exp.get("hparamInfos", [])))
print("experiment metrics:", sorted(m["name"]["tag"] for m in exp.get("metricInfos", [])))
req = {"experimentName": "", "allowedStatuses": ["STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING"],
       "colParams": [], "startIndex": 0, "sliceSize": 100}
r = client.post("/data/plugin/hparams/session_groups", json=req)
body = json.loads(r.get_data(as_text=True))
groups = body.get("sessionGroups", [])
print("status", r.status_code, "totalSize", body.get("totalSize"), "session groups:", len(groups))
for g in groups:
    print(" ", g["name"], {k: v for k, v in g["hparams"].items() if k in ("lr", "batch_size")},
          [s["name"] for s in g["sessions"]], [(m["name"]["tag"], round(m["value"], 4)) for m in g["metricValues"]])
ok = (
    r.status_code == 200
    and len(groups) == expected
    and all(len(g["sessions"]) == 1 for g in groups)
    and all(any(m["name"]["tag"] == "hparam/test_accuracy" for m in g["metricValues"]) for g in groups)
)
print("ok" if ok else "FAIL", f"{len(groups)} session groups, expected {expected}")
sys.exit(0 if ok else 1)
