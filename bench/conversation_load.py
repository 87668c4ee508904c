"""Latency of whole conversations through Rasa's REST channel, with a bare Rasa baseline.

Starts the real assistant (action server + Rasa, SQLite tracker store) and, as baseline in
the same run, a bare Rasa bot (one intent, one response, in-memory tracker, no actions),
then runs 1 and 20 concurrent simulated conversations against each and prints p50/p95/p99
per message and messages per second.

Two modes: without pauses (every person sends the next message the moment the reply is
there: the server's throughput decides the latency), and with reading and typing pauses of
2–8 s before each message (how people use the chat; the latency is the server's work per
message plus waiting for the others).

Usage: .venv/bin/python bench/conversation_load.py [--concurrency 1 20] [--rounds 5]
       [--think 2 8] [--no-pauses-only]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.assistant import running_assistant  # noqa: E402
from bot import services  # noqa: E402
from bot.build import rasa_command, rasa_env  # noqa: E402
from bot.services import free_port  # noqa: E402

ANSWERS = [
    "Ich möchte alleine wohnen, mit meinem Hund.",
    "Mit meinem Tablet lasse ich mir Briefe vorlesen.",
    "Meine Schwester hilft mir beim Einkaufen.",
    "Ich wohne in Barmbek-Nord und gehe gern in die Bücherhalle.",
    "Jemand, der mir bei Briefen vom Amt hilft.",
    "Ich kann gut zuhören und helfe meiner Nachbarin.",
]
FULL_CONVERSATION = ["hallo", "/affirm", "/deny", "nein",
                     *[m for answer in ANSWERS for m in (answer, "nein")], "/confirm_all",
                     "/affirm"]

BARE_BOT = {
    "config.yml": """recipe: default.v1
assistant_id: bare-baseline
language: de
pipeline:
- name: WhitespaceTokenizer
- name: CountVectorsFeaturizer
- name: DIETClassifier
  epochs: 20
policies:
- name: RulePolicy
""",
    "domain.yml": """version: "3.1"
intents: [greet, bye]
responses:
  utter_greet:
  - text: "Hallo!"
  utter_bye:
  - text: "Tschüss!"
""",
    "data/nlu.yml": """version: "3.1"
nlu:
- intent: greet
  examples: |
    - hallo
    - moin
    - guten tag
    - hi
    - servus
- intent: bye
  examples: |
    - tschüss
    - bis bald
    - ciao
    - auf wiedersehen
    - bye
""",
    "data/rules.yml": """version: "3.1"
rules:
- rule: greet
  steps:
  - intent: greet
  - action: utter_greet
- rule: bye
  steps:
  - intent: bye
  - action: utter_bye
""",
}


async def _conversation(client: httpx.AsyncClient, url: str, messages: list[str],
                        think: tuple[float, float] | None, rng: random.Random) -> list[float]:
    sender = f"bench-{uuid.uuid4().hex[:12]}"
    latencies = []
    for index, text in enumerate(messages):
        if think:
            # people arrive spread over the first pause, then read the reply and type
            await asyncio.sleep(rng.uniform(0, think[1]) if index == 0 else rng.uniform(*think))
        started = time.perf_counter()
        reply = await client.post(url, json={"sender": sender, "message": text})
        reply.raise_for_status()
        latencies.append(time.perf_counter() - started)
    return latencies


async def load(url: str, messages: list[str], concurrency: int, rounds: int,
               think: tuple[float, float] | None = None,
               headers: dict[str, str] | None = None) -> dict:
    """`concurrency` people at a time, each a whole conversation, `rounds` times over;
    latency per message and, per step of the conversation, its median."""
    rng = random.Random(7)
    async with httpx.AsyncClient(timeout=120, headers=headers) as client:
        await _conversation(client, url, messages, None, rng)      # warm-up, whole
        started = time.perf_counter()
        results = []
        for _ in range(rounds):
            results += await asyncio.gather(
                *(_conversation(client, url, messages, think, rng) for _ in range(concurrency))
            )
        wall = time.perf_counter() - started
    latencies = sorted(x for r in results for x in r)
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    per_step = [statistics.median(r[i] for r in results) * 1000 for i in range(len(messages))]
    return {"n": len(latencies), "p50": q[49] * 1000, "p95": q[94] * 1000,
            "p99": q[98] * 1000, "rate": len(latencies) / wall, "per_step": per_step}


def start_bare_rasa(workdir: Path, port: int) -> subprocess.Popen:
    for name, content in BARE_BOT.items():
        (workdir / name).parent.mkdir(parents=True, exist_ok=True)
        (workdir / name).write_text(content)
    subprocess.run(rasa_command("train", "--out", "models", "--fixed-model-name", "bare"),
                   cwd=workdir, env=rasa_env(), check=True, stdout=subprocess.DEVNULL)
    (workdir / "credentials.yml").write_text("rest:\n")
    return subprocess.Popen(
        rasa_command("run", "--model", "models/bare.tar.gz", "--credentials",
                     "credentials.yml", "--interface", "127.0.0.1", "--port", str(port)),
        cwd=workdir, env=rasa_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 20])
    parser.add_argument("--rounds", type=int, default=5,
                        help="whole conversations per person without pauses (default 5; "
                             "with pauses: 1)")
    parser.add_argument("--think", type=float, nargs=2, default=[2.0, 8.0],
                        metavar=("MIN", "MAX"),
                        help="seconds a person reads and types before each message, for the "
                             "run with pauses (default 2 8)")
    parser.add_argument("--no-pauses-only", action="store_true",
                        help="skip the run with reading and typing pauses")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, running_assistant(Path(tmp)) as assistant:
        base = Path(tmp)
        settings = assistant.settings
        bare_port = free_port()
        (base / "bare").mkdir()
        processes = []
        try:
            processes.append(start_bare_rasa(base / "bare", bare_port))
            services.wait_for(f"http://127.0.0.1:{bare_port}/", processes[0], timeout=300)
            targets = {
                "LWIW (SQLite tracker, actions)": (
                    f"{settings.rasa_url}/webhooks/rest/webhook", FULL_CONVERSATION),
                "bare Rasa baseline (in-memory)": (
                    f"http://127.0.0.1:{bare_port}/webhooks/rest/webhook",
                    ["hallo"] * len(FULL_CONVERSATION)),
            }
            modes = [("no pauses", None)]
            if not args.no_pauses_only:
                modes.append((f"pauses {args.think[0]:g}-{args.think[1]:g} s",
                              tuple(args.think)))
            print(f"{len(FULL_CONVERSATION)} messages per conversation, {args.rounds} "
                  f"conversations per person; latency per message")
            print(f"{'target':32} {'mode':14} {'conc':>4} {'msgs':>5} {'p50 ms':>8} "
                  f"{'p95 ms':>8} {'p99 ms':>8} {'msg/s':>7}")
            steps = {}
            for mode, think in modes:
                # with pauses: one conversation per person, only where people overlap
                levels = [c for c in args.concurrency if c > 1] if think else args.concurrency
                for concurrency in levels:
                    for name, (url, messages) in targets.items():
                        rounds = 1 if think else args.rounds
                        r = asyncio.run(load(url, messages, concurrency, rounds, think,
                                             assistant.headers))
                        print(f"{name:32} {mode:14} {concurrency:>4} {r['n']:>5} "
                              f"{r['p50']:>8.1f} {r['p95']:>8.1f} {r['p99']:>8.1f} "
                              f"{r['rate']:>7.1f}", flush=True)
                        if name.startswith("LWIW"):
                            steps[f"{mode}, {concurrency}"] = r["per_step"]
            print("\nLWIW median latency per step of the conversation (ms):")
            print(f"{'step':32} " + " ".join(f"{k:>18}" for k in steps))
            for index, text in enumerate(FULL_CONVERSATION):
                print(f"{index + 1:>2} {text[:29]:29} "
                      + " ".join(f"{v[index]:>18.1f}" for v in steps.values()))
        finally:
            services.stop(*processes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
