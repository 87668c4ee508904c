"""Memory of the single-host set-up and the time of `lwiw export`, lean against the baseline
in the same run (issue 17, point 3).

    .venv/bin/python bench/memory.py [--settle 20]

Starts `lwiw run` twice on a fresh SQLite database in a temporary directory with free ports:
first as before (LWIW_ALLOW_TENSORFLOW=1: the launcher, the action server and the web app
import TensorFlow through spaCy/thinc), then as shipped (bot/lean.py keeps TensorFlow out
of every process that runs no model). For each it waits until the web app answers, lets the
processes settle, and sums the resident memory (VmRSS) of the launcher and all its
descendants. Then it times `lwiw export` of a conversation with consent (JSON) in both
modes and counts the lines it writes to stderr. Prints a table; asserts nothing.

    .venv/bin/python bench/memory.py --export-only [--repeat 9]

Only the export, as shipped against the baseline of spaCy's own pipeline loading
(`spacy.load`, which fills the 355,000-entry lemma table key by key; bot/nlp/pipeline.py
reads it as a plain dict), alternating, `--repeat` times each after one warm-up run each:
median, min and max seconds, lines on stderr, and whether both wrote the same profile
(apart from `generated_at`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cluster_load import process_table  # noqa: E402
from bot.services import free_port, wait_for  # noqa: E402

LWIW = str(ROOT / ".venv" / "bin" / "lwiw")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for pid, (parent, _cpu) in process_table().items():
        tree.setdefault(parent, []).append(pid)
    return tree


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:90]
    except OSError:
        return "?"


def tree_memory(root: int) -> list[tuple[str, int]]:
    """(command line, RSS in MB) of `root` and all its descendants."""
    tree = _children()
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack += tree.get(pid, [])
    return [(_name(pid), _rss_kb(pid) // 1024) for pid in found]


def environment(base: Path, allow_tensorflow: bool) -> dict[str, str]:
    rasa_port = free_port()
    env = dict(os.environ)
    env.update({
        "LWIW_VAR_DIR": str(base / "var"),
        "LWIW_DATABASE_URL": f"sqlite:///{base / 'lwiw.db'}",
        "LWIW_RASA_PORT": str(rasa_port), "LWIW_RASA_URL": f"http://127.0.0.1:{rasa_port}",
        "LWIW_ACTION_PORT": str(free_port()), "LWIW_WEB_PORT": str(free_port()),
        "LWIW_WEB_HOST": "127.0.0.1", "LWIW_INTERNAL_SECRET": secrets.token_urlsafe(48),
        "LWIW_SECRET_KEY": secrets.token_urlsafe(48),
    })
    env.pop("LWIW_ALLOW_TENSORFLOW", None)
    if allow_tensorflow:
        env["LWIW_ALLOW_TENSORFLOW"] = "1"
    return env


def measure_run(allow_tensorflow: bool, settle: float) -> list[tuple[str, int]]:
    with tempfile.TemporaryDirectory() as tmp:
        env = environment(Path(tmp), allow_tensorflow)
        launcher = subprocess.Popen([LWIW, "run"], env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True,
                                    start_new_session=True)
        try:
            wait_for(f"http://127.0.0.1:{env['LWIW_WEB_PORT']}/health", launcher, timeout=600)
            time.sleep(settle)
            return tree_memory(launcher.pid)
        finally:
            os.killpg(launcher.pid, signal.SIGTERM)
            try:
                launcher.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(launcher.pid, signal.SIGKILL)


def seed_export(env: dict[str, str]) -> None:
    """A conversation with consent and one answer, written through the store."""
    subprocess.run([sys.executable, "-c", (
        "from bot.storage.migrate import upgrade_to_head\n"
        "from bot.storage.repository import Store\n"
        f"url = {env['LWIW_DATABASE_URL']!r}\n"
        "upgrade_to_head(url)\n"
        "store = Store(url)\n"
        "store.record_consent('bench-export', True)\n"
        "store.add_answer('bench-export', 'living', 'Ich möchte in Barmbek wohnen.')\n")],
        env=env, check=True, cwd=ROOT, capture_output=True)


# the export command line as `lwiw` runs it (bot.cli.main)
SHIPPED = "import sys\nfrom bot.cli import main\nraise SystemExit(main(sys.argv[1:]))\n"
# the same with the pipeline loaded by spaCy itself, as before bot/nlp/pipeline.py read the
# lemma table as a plain dict (TensorFlow kept out first, as bot.cli.main does)
SPACY_LOAD = (
    "import functools\n"
    "from bot.lean import keep_tensorflow_out\n"
    "keep_tensorflow_out()\n"
    "import spacy\n"
    "import bot.nlp.pipeline as pipeline\n"
    "@functools.lru_cache(maxsize=1)\n"
    "def load_pipeline():\n"
    "    pipeline.ensure_pipeline()\n"
    "    return spacy.load(pipeline.SPACY_PIPELINE_DIR)\n"
    "pipeline.load_pipeline = load_pipeline\n"
) + SHIPPED


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_export(env: dict[str, str], target: Path, program: str | None = None
               ) -> tuple[float, int, float]:
    """Seconds, noise lines on stderr and CPU seconds of `lwiw export bench-export --format
    json` (`program`: run as `python -c program` instead of the `lwiw` script). The CPU
    time hardly depends on what else runs on the machine; the wall time does."""
    command = [LWIW] if program is None else [sys.executable, "-c", program]
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run([*command, "export", "bench-export", "--format", "json", "-o",
                           str(target)], env=env, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    cpu = _children_cpu() - cpu
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    # the command's own confirmation ("geschrieben: …") is not noise
    return seconds, len([line for line in done.stderr.splitlines()
                         if line.strip() and not line.startswith("geschrieben:")]), cpu


def measure_export(allow_tensorflow: bool) -> tuple[float, int]:
    """Seconds and stderr lines of `lwiw export <id> --format json` (a conversation with
    consent and one answer, written through the store first)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = environment(Path(tmp), allow_tensorflow)
        seed_export(env)
        return run_export(env, Path(tmp) / "out.json")[:2]


def _profile(path: Path) -> dict:
    profile = json.loads(path.read_bytes())
    profile.pop("generated_at")
    return profile


def export_only(repeat: int) -> int:
    """The export as shipped against spaCy's own pipeline loading, alternating."""
    modes = {"spacy.load (baseline)": SPACY_LOAD, "as shipped": SHIPPED}
    times: dict[str, list[float]] = {label: [] for label in modes}
    cpu: dict[str, list[float]] = {label: [] for label in modes}
    noise: dict[str, int] = dict.fromkeys(modes, 0)
    with tempfile.TemporaryDirectory() as tmp:
        env = environment(Path(tmp), allow_tensorflow=False)
        seed_export(env)
        outputs = {label: Path(tmp) / f"out-{n}.json" for n, label in enumerate(modes)}
        for label, program in modes.items():          # warm-up: file cache, .pyc
            run_export(env, outputs[label], program)
        for _ in range(repeat):
            for label, program in modes.items():
                seconds, lines, cpu_seconds = run_export(env, outputs[label], program)
                times[label].append(seconds)
                cpu[label].append(cpu_seconds)
                noise[label] = max(noise[label], lines)
        same = len({json.dumps(_profile(path), sort_keys=True)
                    for path in outputs.values()}) == 1
    print(f"lwiw export bench-export --format json, {repeat} runs each, alternating:")
    for label, values in times.items():
        print(f"  {label:22} median {statistics.median(values):.2f} s "
              f"(min {min(values):.2f}, max {max(values):.2f}), CPU median "
              f"{statistics.median(cpu[label]):.2f} s; {noise[label]} lines on stderr")
    print(f"  same profile (apart from generated_at): {'yes' if same else 'NO'}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settle", type=float, default=20.0,
                        help="seconds to wait after the web app answers")
    parser.add_argument("--export-only", action="store_true",
                        help="only time the export, against spaCy's own pipeline loading")
    parser.add_argument("--repeat", type=int, default=9,
                        help="export runs per mode with --export-only")
    args = parser.parse_args()
    if args.export_only:
        return export_only(args.repeat)
    rows = []
    for label, allow in (("baseline (TensorFlow everywhere)", True),
                         ("lean (TensorFlow only in Rasa)", False)):
        processes = measure_run(allow, args.settle)
        seconds, stderr_lines = measure_export(allow)
        rows.append((label, processes, seconds, stderr_lines))
    for label, processes, seconds, stderr_lines in rows:
        total = sum(mb for _, mb in processes)
        print(f"\n{label}: all processes {total} MB; lwiw export {seconds:.2f} s, "
              f"{stderr_lines} lines on stderr")
        for name, mb in sorted(processes, key=lambda p: -p[1]):
            if mb:
                print(f"  {mb:6} MB  {name}")
    base, lean = (sum(mb for _, mb in r[1]) for r in rows)
    print(f"\nlean / baseline memory: {lean} / {base} MB = {lean / base:.2f}; export "
          f"{rows[1][2]:.2f} / {rows[0][2]:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
