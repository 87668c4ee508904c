"""`lwiw` command line: build, run, chat; staff and purge (bot/staff/cli.py) and export
(bot/export/cli.py) in their modules."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.settings import get_settings


def cmd_build(args: argparse.Namespace) -> int:
    from bot.build import prepare, train_if_needed

    if args.no_train:
        prepare()
        print("spaCy pipeline and generated Rasa files are up to date")
        return 0
    print(f"model: {train_if_needed(force=args.force)}")
    return 0


def build_in_child() -> Path:
    """`lwiw build` in a child process: the launcher stays small while the servers run (it
    never loads spaCy or the crisis classifier itself)."""
    from bot.build import model_path

    subprocess.run([sys.executable, "-c", "from bot.cli import main; raise SystemExit("
                    "main(['build']))"], check=True)
    return model_path()


def cmd_run(args: argparse.Namespace) -> int:
    """Train if needed and start action server, Rasa and the web app on this machine."""
    from bot import services
    from bot.settings import VAR_DIR, private_dir
    from bot.storage.migrate import upgrade_to_head
    from bot.web.config import check_environment

    check_environment()
    settings = get_settings()
    private_dir(VAR_DIR)
    upgrade_to_head(settings.database_url)
    model = build_in_child()
    endpoints = services.write_endpoints(settings)
    actions = services.start_action_server(settings, VAR_DIR / "actions.log")
    rasa = services.start_rasa(settings, model, endpoints, VAR_DIR / "rasa-stdout.log")
    web = None
    try:
        services.wait_for(f"http://127.0.0.1:{settings.action_port}/health", actions)
        services.wait_for(f"{settings.rasa_url}/", rasa, timeout=300)
        web = services.start_web(settings, VAR_DIR / "web.log")
        services.wait_for(f"http://{settings.web_host}:{settings.web_port}/health", web)
        print(f"LWIW-Assistent läuft: http://{settings.web_host}:{settings.web_port}/", flush=True)
        print("Beenden mit Strg+C.", flush=True)
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        while not stopping and all(p.poll() is None for p in (actions, rasa, web)):
            time.sleep(1)
        for name, process in (("action server", actions), ("rasa", rasa), ("web", web)):
            if process.poll() is not None and not stopping:
                print(f"{name} stopped with exit code {process.returncode}; see var/*.log",
                      file=sys.stderr)
                return 1
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        services.stop(web, rasa, actions)


def cmd_chat(args: argparse.Namespace) -> int:
    """Talk to a running assistant through Rasa's REST channel (a minimal entry point)."""
    import uuid

    import httpx

    from bot.services import internal_headers

    settings = get_settings()
    headers = internal_headers(settings)
    sender = args.sender or f"cli-{uuid.uuid4().hex[:12]}"
    print(f"Gespräch {sender}. Beenden mit Strg+D.")
    while True:
        try:
            text = input("> ")
        except EOFError:
            return 0
        reply = httpx.post(f"{settings.rasa_url}/webhooks/rest/webhook",
                           json={"sender": sender, "message": text}, headers=headers,
                           timeout=60)
        for message in reply.json():
            if "text" in message:
                print(message["text"])
            for button in message.get("buttons", []):
                print(f"  [{button['title']}] {button['payload']}")


def add_module_parsers(sub, argv: list[str] | None = None) -> None:
    """`staff` and `purge` (bot/staff/cli.py), and `export` (bot/export/cli.py). The export
    module loads spaCy (seconds), so it is only wired in when the command is `export` or
    the overview is asked for."""
    from bot.staff.cli import add_parsers

    add_parsers(sub)
    args = sys.argv[1:] if argv is None else argv
    wanted = not args or args[0] in ("export", "-h", "--help")
    if wanted:
        from bot.export.cli import add_parser

        add_parser(sub)


def main(argv: list[str] | None = None) -> int:
    from bot.lean import keep_tensorflow_out

    keep_tensorflow_out()     # training runs `rasa train` in its own process (bot/lean.py)
    parser = argparse.ArgumentParser(prog="lwiw", description="LWIW-Assistent")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="spaCy pipeline, generated files, model")
    build.add_argument("--force", action="store_true", help="train even if nothing changed")
    build.add_argument("--no-train", action="store_true", help="skip training")
    build.set_defaults(func=cmd_build)
    run = sub.add_parser("run", help="start the whole assistant on this machine")
    run.set_defaults(func=cmd_run)
    chat = sub.add_parser("chat", help="chat in the terminal with a running assistant")
    chat.add_argument("--sender", help="conversation id to use")
    chat.set_defaults(func=cmd_chat)
    add_module_parsers(sub, argv)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
