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
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
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


def measure_export(allow_tensorflow: bool) -> tuple[float, int]:
    """Seconds and stderr lines of `lwiw export <id> --format json` (a conversation with
    consent and one answer, written through the store first)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = environment(Path(tmp), allow_tensorflow)
        subprocess.run([sys.executable, "-c", (
            "from bot.storage.migrate import upgrade_to_head\n"
            "from bot.storage.repository import Store\n"
            f"url = {env['LWIW_DATABASE_URL']!r}\n"
            "upgrade_to_head(url)\n"
            "store = Store(url)\n"
            "store.record_consent('bench-export', True)\n"
            "store.add_answer('bench-export', 'living', 'Ich möchte in Barmbek wohnen.')\n")],
            env=env, check=True, cwd=ROOT, capture_output=True)
        started = time.perf_counter()
        done = subprocess.run([LWIW, "export", "bench-export", "--format", "json", "-o",
                               str(Path(tmp) / "out.json")], env=env, capture_output=True,
                              text=True, cwd=ROOT)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-2000:])
        # the command's own confirmation ("geschrieben: …") is not noise
        return seconds, len([line for line in done.stderr.splitlines()
                             if line.strip() and not line.startswith("geschrieben:")])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settle", type=float, default=20.0,
                        help="seconds to wait after the web app answers")
    args = parser.parse_args()
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
