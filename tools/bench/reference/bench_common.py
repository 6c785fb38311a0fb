"""What the PyTorch reference timings share: thread setup, the BLAS in use, and the worker protocol.

Run with Debian's PyTorch (/usr/bin/python3, not a pyenv python3 earlier on PATH), with OMP_WAIT_POLICY=PASSIVE so that
idle OpenMP threads sleep instead of spinning while trainkit's rounds run on the same cores. Each script either times
its own rounds and prints one JSON object (standalone), or with --serve answers one JSON request per stdin line, so
that tools/bench/src/run-all.ts can alternate PyTorch rounds with trainkit rounds:

  {"task": "train" | "infer", "minSteps": 3, "minSeconds": 1.0, "maxSteps": 200}  ->  {"ms": [per-step ms, ...]}
  {"task": "exit"}
"""
import argparse
import ctypes
import json
import os
import sys
import time

import torch


def classifier_steps(model, optimizer, input_shape, batch):
    """The two timed tasks for a classifier on fixed synthetic data: a training step (zero_grad, forward,
    cross-entropy, backward, step, loss read back as trainkit's step returns it) and no-grad inference."""
    loss_fn = torch.nn.CrossEntropyLoss()
    x = torch.rand(batch, *input_shape) * 2 - 1
    y = torch.arange(batch) * 7 % 10

    def train():
        model.train()
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        loss.item()

    def infer():
        model.eval()
        with torch.no_grad():
            model(x).argmax(1)

    return {'train': train, 'infer': infer}


def setup_threads(threads):
    # This Debian build defaults to 1 intra-op thread; PyTorch elsewhere defaults to the core count.
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)


class _DlInfo(ctypes.Structure):
    _fields_ = [
        ('dli_fname', ctypes.c_char_p),
        ('dli_fbase', ctypes.c_void_p),
        ('dli_sname', ctypes.c_char_p),
        ('dli_saddr', ctypes.c_void_p),
    ]


def blas_in_use():
    """The shared object that libtorch_cpu's sgemm_ resolves to (dlsym from libtorch's own handle, then dladdr), so
    that Debian's alternatives, LD_LIBRARY_PATH and LD_PRELOAD are all accounted for."""
    lib_dir = os.path.join(os.path.dirname(torch.__file__), 'lib')
    try:
        torch_cpu = ctypes.CDLL(os.path.join(lib_dir, 'libtorch_cpu.so'))
        addr = ctypes.cast(torch_cpu.sgemm_, ctypes.c_void_p).value
        libc = ctypes.CDLL('libc.so.6')
        info = _DlInfo()
        if not libc.dladdr(ctypes.c_void_p(addr), ctypes.byref(info)):
            raise OSError('dladdr failed')
        path = os.path.realpath(info.dli_fname.decode())
    except (OSError, AttributeError) as err:
        return {'kind': 'unknown', 'path': None, 'error': str(err)}
    name = os.path.basename(path)
    kind = 'openblas' if 'openblas' in path else ('reference' if '/blas/' in path or name.startswith('libblas') else 'other')
    return {'kind': kind, 'path': path}


def environment(threads):
    return {
        'torch': torch.__version__,
        'python': sys.version.split()[0],
        'executable': sys.executable,
        'threads': torch.get_num_threads(),
        'requestedThreads': threads,
        'ompWaitPolicy': os.environ.get('OMP_WAIT_POLICY'),
        'blas': blas_in_use(),
        'mkldnn': torch.backends.mkldnn.is_available(),
    }


def time_steps(step, min_steps, min_seconds, max_steps):
    """Runs step() at least min_steps times and until min_seconds have passed (at most max_steps); ms per step."""
    out = []
    start = time.perf_counter()
    while len(out) < max_steps and (len(out) < min_steps or time.perf_counter() - start < min_seconds):
        t0 = time.perf_counter()
        step()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def main(name, make_steps, batch):
    parser = argparse.ArgumentParser(description=f'PyTorch reference timing: {name}')
    parser.add_argument('--threads', type=int, default=os.cpu_count())
    parser.add_argument('--serve', action='store_true', help='answer JSON requests on stdin (used by run-all.ts)')
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--min-seconds', type=float, default=1.0)
    args = parser.parse_args()
    setup_threads(args.threads)
    torch.manual_seed(0)
    steps = make_steps(batch)
    env = environment(args.threads)
    if args.serve:
        print(json.dumps({'ready': True, 'model': name, 'batch': batch, **env}), flush=True)
        for line in sys.stdin:
            req = json.loads(line)
            if req['task'] == 'exit':
                break
            ms = time_steps(steps[req['task']], req.get('minSteps', 3), req.get('minSeconds', 1.0), req.get('maxSteps', 1000))
            print(json.dumps({'ms': ms}), flush=True)
        return
    result = {'model': name, 'batch': batch, **env, 'tasks': {}}
    for task, step in steps.items():
        time_steps(step, 3, 0, 3)  # warm-up: allocator, oneDNN primitives
        rounds = []
        for _ in range(args.rounds):
            ms = time_steps(step, 3, args.min_seconds, 1000)
            rounds.append(batch * len(ms) / (sum(ms) / 1000))
        result['tasks'][task] = {'imagesPerSec': median(rounds), 'rounds': rounds}
    print(json.dumps(result))
