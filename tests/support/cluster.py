"""A throwaway local cluster on loopback, for tests, benchmarks and trying the scaled set-up.

In production the host's systemd runs the processes (``deploy/systemd/``, README
"Production and scaling"); this module stands in for it where there is no systemd to ask,
with the same commands (``bot.services``), configuration, nginx template and migrations
(``bot.host``):

``python -m tests.support.cluster up | down | status [--dir DIR]`` (``deploy/cluster.sh``)
    PostgreSQL (``initdb`` + ``pg_ctl`` as the postgres user) and Redis (``redis-server
    --port --dir``) from the Debian packages that scripts/setup.sh installs, on free loopback
    ports inside DIR, and ``serve`` in the background with two Rasa servers behind nginx.
    ``down`` stops everything and removes DIR. ``up --single`` starts the default one-server
    set-up instead (SQLite, one Rasa server, no Redis, no nginx), for comparisons.
``python -m tests.support.cluster serve``
    Started by ``up``: migrations, then the action server(s), the Rasa servers, nginx and
    the web app, configured from ``LWIW_*`` variables; restarts a process that dies (the
    fault test and benchmark kill some) and stops all of them on SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import glob
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bot.host import HostConfig, write_nginx_conf, write_rasa_endpoints
from bot.settings import ROOT

DEFAULT_DIR = Path(os.environ.get("LWIW_CLUSTER_DIR", "/tmp/lwiw-cluster"))
STATE_FILE = "cluster.json"            # written by `up`: ports, secrets, pids of pg/redis/serve
PROCESSES_FILE = "processes.json"      # written by `serve`: the pid and port of every process
MODULE = "tests.support.cluster"


def log(message: str) -> None:
    print(f"[cluster] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    """A free TCP port on loopback (same as bot.services.free_port, without its imports)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- serve: the processes, kept running (in production systemd does this) -----------------


@dataclass
class Managed:
    """A process that `serve` keeps running."""

    name: str
    launch: Callable[[], subprocess.Popen]
    health: str
    port: int
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restarts: int = 0
    recent_exits: list[float] = field(default_factory=list)

    def start(self) -> None:
        self.process = self.launch()
        self.started_at = time.time()

    def as_json(self) -> dict:
        return {"pid": self.process.pid if self.process else None, "port": self.port,
                "health": self.health, "started_at": self.started_at,
                "restarts": self.restarts}


class Supervisor:
    def __init__(self, config: HostConfig, var_dir: Path) -> None:
        self.config = config
        self.var_dir = var_dir
        self.logs = var_dir / "logs"
        self.managed: list[Managed] = []
        self.stopping = False
        self.nginx_dir = var_dir / f"nginx-{config.lb_port}"

    # -- the processes

    def build(self, model: Path) -> None:
        from bot import services
        from bot.settings import get_settings

        config = self.config
        self.logs.mkdir(parents=True, exist_ok=True)
        base = dataclasses.replace(get_settings(), database_url=config.database_url)
        for number, port in enumerate(config.action_ports, start=1):
            settings = dataclasses.replace(base, action_port=port)
            self.managed.append(Managed(
                f"actions-{number}",
                lambda s=settings, n=number: services.start_action_server(
                    s, self.logs / f"actions-{n}.log"),
                f"http://127.0.0.1:{port}/health", port))
        for number, port in enumerate(config.rasa_ports, start=1):
            settings = dataclasses.replace(base, rasa_port=port,
                                           action_port=config.action_target_port)
            endpoints = write_rasa_endpoints(config, port)     # as lwiw-rasa@PORT does
            self.managed.append(Managed(
                f"rasa-{number}",
                lambda s=settings, e=endpoints, n=number: services.start_rasa(
                    s, model, e, self.logs / f"rasa-{n}.log"),
                f"http://127.0.0.1:{port}/", port))
        if config.balanced:
            conf = write_nginx_conf(config, self.nginx_dir)      # as lwiw-nginx does
            self.managed.append(Managed(
                "nginx", lambda: self._start_nginx(conf),
                f"{config.rasa_url}/" if len(config.rasa_ports) > 1
                else f"http://127.0.0.1:{config.action_lb_port}/health", config.lb_port))
        web_settings = dataclasses.replace(base, rasa_url=config.rasa_url,
                                           web_host=config.web_host, web_port=config.web_port)
        self.managed.append(Managed(
            "web", lambda: services.start_web(web_settings, self.logs / "web.log",
                                              workers=config.web_workers),
            f"http://{config.web_host}:{config.web_port}/health", config.web_port))

    def _start_nginx(self, conf: Path) -> subprocess.Popen:
        output = open(self.logs / "nginx.log", "ab")  # noqa: SIM115 - owned by the child
        return subprocess.Popen(
            [self.config.nginx, "-p", str(self.nginx_dir), "-c", str(conf),
             "-e", str(self.nginx_dir / "error.log")],
            stdout=output, stderr=subprocess.STDOUT,
        )

    # -- state for `up`, tests and humans

    def write_state(self, phase: str) -> None:
        state = {
            "phase": phase, "pid": os.getpid(), "updated_at": time.time(),
            "web_url": f"http://{self.config.web_host}:{self.config.web_port}",
            "rasa_url": self.config.rasa_url,
            "nginx_access_log": str(self.nginx_dir / "access.log") if self.config.balanced
            else None,
            "processes": {m.name: m.as_json() for m in self.managed},
        }
        path = self.var_dir / PROCESSES_FILE
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=2), encoding="utf-8")
        tmp.replace(path)

    # -- running

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        waiting = list(self.managed)
        while waiting:
            if self.stopping:
                raise InterruptedError("stopped while starting")
            for managed in list(waiting):
                if managed.process.poll() is not None:
                    raise RuntimeError(f"{managed.name} exited with {managed.process.returncode}"
                                       f" while starting; see {self.logs}")
                if _healthy(managed.health):
                    log(f"{managed.name} is up ({managed.health})")
                    waiting.remove(managed)
            if waiting and time.monotonic() > deadline:
                names = ", ".join(m.name for m in waiting)
                raise TimeoutError(f"not up within {timeout:.0f} s: {names}")
            time.sleep(0.5)

    def supervise(self) -> None:
        """Restart a process that exited (crash, OOM, kill), like systemd's Restart=always.

        A process that exits five times within a minute is given up (and `serve` stops)."""
        while not self.stopping:
            time.sleep(0.5)
            for managed in self.managed:
                if self.stopping or managed.process.poll() is None:
                    continue
                now = time.time()
                managed.recent_exits = [t for t in managed.recent_exits if now - t < 60] + [now]
                log(f"{managed.name} (pid {managed.process.pid}) exited with "
                    f"{managed.process.returncode}; restarting")
                if len(managed.recent_exits) >= 5:
                    raise RuntimeError(f"{managed.name} keeps exiting; see {self.logs}")
                managed.start()
                managed.restarts += 1
                self.write_state("running")

    def stop(self) -> None:
        from bot import services

        self.stopping = True
        order = ("web", "nginx", "rasa", "actions")
        for prefix in order:
            services.stop(*(m.process for m in self.managed if m.name.startswith(prefix)))


def _healthy(url: str) -> bool:
    try:
        return httpx.get(url, timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


def serve(start_timeout: float = 900) -> int:
    """Run the processes of the local cluster until SIGTERM/SIGINT (started by `up`)."""
    from bot.host import check_and_migrate
    from bot.settings import VAR_DIR

    # Rasa's listen backlog (default 100): when a server dies, the people whose messages it
    # was working on send them again at once, and all of them and all the others land on
    # the servers left; with 100 the kernel drops connections, nginx times out connecting
    # and takes the last server out as well. (deploy/systemd/ sets the same.)
    os.environ.setdefault("SANIC_BACKLOG", "1024")
    log("checking the configuration, running database migrations")
    config = check_and_migrate()     # what lwiw-migrate.service runs in production
    supervisor = Supervisor(config, VAR_DIR)

    def on_signal(*_: object) -> None:
        supervisor.stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        model = config.model
        if model is None:
            from bot.build import train_if_needed

            model = train_if_needed()
        supervisor.build(model)
        for managed in supervisor.managed:
            managed.start()
        supervisor.write_state("starting")
        supervisor.wait_healthy(start_timeout)
        supervisor.write_state("running")
        log(f"ready: web app on http://{config.web_host}:{config.web_port}/, "
            f"{len(config.rasa_ports)} Rasa server(s) behind {config.rasa_url}")
        supervisor.supervise()
        return 0
    except InterruptedError:
        return 0
    except Exception as error:  # noqa: BLE001 - reported, then everything is stopped
        log(f"serve failed: {error}")
        supervisor.write_state("failed")
        return 1
    finally:
        supervisor.stop()
        if supervisor.managed:
            supervisor.write_state("stopped")


# --- the throwaway local cluster -------------------------------------------------------------


def _pg_bin(name: str) -> str | None:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    return candidates[-1] if candidates else shutil.which(name)


def missing_packages() -> list[str]:
    missing = []
    if not _pg_bin("initdb") or not _pg_bin("pg_ctl"):
        missing.append("postgresql")
    if not shutil.which("redis-server"):
        missing.append("redis-server")
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        missing.append("nginx")
    return missing


def inherited_env() -> dict[str, str]:
    """This process's environment without LWIW_* settings: the cluster sets its own."""
    return {k: v for k, v in os.environ.items() if not k.startswith("LWIW_")}


def _nginx_binary() -> str:
    return shutil.which("nginx") or "/usr/sbin/nginx"


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie (exited, not yet reaped by its parent) counts as gone
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    return True


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.2)
    return not _alive(pid)


@dataclass
class LocalCluster:
    """A throwaway cluster in `base_dir` (see the module docstring).

    `up()` returns when the web app answers; `down()` stops every process it started (also
    after a failed `up`) and removes `base_dir`.
    """

    base_dir: Path = DEFAULT_DIR
    rasa_servers: int = 2
    web_workers: int = 2
    single: bool = False
    model: Path | None = None
    rasa_timeout: float = 150
    web_port: int | None = None
    state: dict = field(default_factory=dict)

    # -- paths and state

    @property
    def state_path(self) -> Path:
        return self.base_dir / STATE_FILE

    def load(self) -> dict:
        if self.state_path.exists():
            self.state = json.loads(self.state_path.read_text(encoding="utf-8"))
        return self.state

    def _save(self) -> None:
        # mode 600 from the start: the file holds the passwords of the throwaway services
        fd = os.open(self.state_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self.state, handle, indent=2)

    @property
    def database_url(self) -> str:
        return self.state["env"]["LWIW_DATABASE_URL"]

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.state['env']['LWIW_WEB_PORT']}"

    @property
    def secret_key(self) -> str:
        return self.state["env"]["LWIW_SECRET_KEY"]

    @property
    def var_dir(self) -> Path:
        return self.base_dir / "var"

    def processes(self) -> dict:
        """What `serve` reports: phase, and pid/port/restarts of every process."""
        path = self.var_dir / PROCESSES_FILE
        if not path.exists():
            return {}
        return json.loads(path.read_text(encoding="utf-8"))

    # -- up

    def up(self, timeout: float = 900) -> None:
        if self.base_dir.exists():
            self.load()
            if _alive(self.state.get("serve_pid")):
                raise RuntimeError(f"a cluster is running in {self.base_dir}; "
                                   f"`python -m {MODULE} down --dir {self.base_dir}` first")
            self.down()
        self.base_dir.mkdir(parents=True)
        self.base_dir.chmod(0o711)    # the postgres user must reach its data directory
        self.state = {"base_dir": str(self.base_dir), "single": self.single, "env": {}}
        self._save()
        try:
            self._up(timeout)
        except BaseException:
            log(f"start failed; logs in {self.base_dir} (kept until `down`)")
            self.stop_processes()
            raise

    def _up(self, timeout: float) -> None:
        env = self.state["env"]
        if self.single:
            env["LWIW_DATABASE_URL"] = f"sqlite:///{self.base_dir / 'lwiw.db'}"
            env["LWIW_RASA_SERVERS"] = "1"
            env["LWIW_WEB_WORKERS"] = str(self.web_workers)
        else:
            missing = missing_packages()
            if missing:
                raise RuntimeError(f"missing Debian packages: {' '.join(missing)} "
                                   f"(scripts/setup.sh installs them)")
            env["LWIW_DATABASE_URL"] = self._start_postgres(free_port())
            env["LWIW_REDIS_URL"] = self._start_redis(free_port())
            env["LWIW_RASA_SERVERS"] = str(self.rasa_servers)
            env["LWIW_LB_PORT"] = str(free_port())
            env["LWIW_NGINX"] = _nginx_binary()
            env["LWIW_WEB_WORKERS"] = str(self.web_workers)
        rasa_count = int(env["LWIW_RASA_SERVERS"])
        env["LWIW_RASA_PORTS"] = ",".join(str(free_port()) for _ in range(rasa_count))
        env["LWIW_RASA_PORT"] = env["LWIW_RASA_PORTS"].split(",")[0]
        env["LWIW_ACTION_PORTS"] = env["LWIW_ACTION_PORT"] = str(free_port())
        env["LWIW_WEB_PORT"] = str(self.web_port or free_port())
        env["LWIW_WEB_HOST"] = "127.0.0.1"
        env["LWIW_SECRET_KEY"] = secrets.token_urlsafe(48)
        env["LWIW_INTERNAL_SECRET"] = secrets.token_urlsafe(48)
        env["LWIW_RASA_TIMEOUT"] = str(self.rasa_timeout)
        env["LWIW_VAR_DIR"] = str(self.var_dir)
        if self.model:
            env["LWIW_MODEL"] = str(self.model)
        self._save()
        self._start_serve(timeout)

    def _start_serve(self, timeout: float) -> None:
        self.var_dir.mkdir(exist_ok=True)
        output = open(self.base_dir / "serve.log", "ab")  # noqa: SIM115 - owned by the child
        process = subprocess.Popen(
            [sys.executable, "-m", MODULE, "serve"], cwd=ROOT,
            env={**inherited_env(), **self.state["env"],
                 "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")},
            stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )
        output.close()
        self.state["serve_pid"] = process.pid
        self._save()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"serve exited with {process.returncode}; see "
                                   f"{self.base_dir / 'serve.log'}")
            if self.processes().get("phase") == "running":
                log(f"up: web app {self.web_url}/ ({self.base_dir})")
                return
            time.sleep(0.5)
        raise TimeoutError(f"the cluster did not come up within {timeout:.0f} s")

    def _as_postgres(self) -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _pg_superuser(self) -> str:
        if os.geteuid() == 0:
            return "postgres"
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name

    def _start_postgres(self, port: int) -> str:
        pg = self.base_dir / "postgres"
        data, run = pg / "data", pg / "run"
        if os.geteuid() == 0 and subprocess.run(
                [*self._as_postgres(), "test", "-x", str(self.base_dir)]).returncode != 0:
            raise RuntimeError(f"the postgres user cannot reach {self.base_dir}; "
                               f"choose a --dir under /tmp")
        run.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(pg, "postgres", "postgres")
            shutil.chown(run, "postgres", "postgres")
        password = secrets.token_hex(16)
        superuser = self._pg_superuser()
        log(f"PostgreSQL: initdb in {data}, port {port}")
        subprocess.run(
            [*self._as_postgres(), _pg_bin("initdb"), "-D", str(data), "-U", superuser,
             "--auth-local=peer", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"],
            check=True, stdout=subprocess.DEVNULL, cwd=pg,
        )
        with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                "\n# throwaway instance (tests/support/cluster.py): loopback only, own socket dir\n"
                f"listen_addresses = '127.0.0.1'\nport = {port}\n"
                f"unix_socket_directories = '{run}'\nmax_connections = 300\n"
            )
        self.state["postgres"] = {"data": str(data), "port": port, "socket": str(run)}
        self._save()
        subprocess.run(
            [*self._as_postgres(), _pg_bin("pg_ctl"), "-D", str(data), "-l",
             str(pg / "postgres.log"), "-w", "-t", "60", "start"],
            check=True, stdout=subprocess.DEVNULL, cwd=pg,
        )
        psql = [*self._as_postgres(), _pg_bin("psql"), "-h", str(run), "-p", str(port),
                "-U", superuser, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q"]
        subprocess.run([*psql, "-c", f"CREATE ROLE lwiw LOGIN PASSWORD '{password}'"],
                       check=True, cwd=pg)
        subprocess.run([*psql, "-c", "CREATE DATABASE lwiw OWNER lwiw"], check=True, cwd=pg)
        return f"postgresql+psycopg2://lwiw:{password}@127.0.0.1:{port}/lwiw"

    def _start_redis(self, port: int) -> str:
        directory = self.base_dir / "redis"
        directory.mkdir()
        password = secrets.token_hex(16)
        log(f"Redis: port {port}, dir {directory}")
        output = open(directory / "redis.log", "ab")  # noqa: SIM115 - owned by the child
        process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory),
             "--save", "", "--appendonly", "no", "--daemonize", "no",
             "--requirepass", password],
            stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )
        output.close()
        self.state["redis_pid"] = process.pid
        self._save()
        import redis

        client = redis.Redis(host="127.0.0.1", port=port, password=password)
        deadline = time.monotonic() + 30
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start; see {directory}") from None
                time.sleep(0.2)
        return f"redis://:{password}@127.0.0.1:{port}/0"

    # -- faults (used by the fault test and the benchmark)

    def pid(self, name: str) -> int:
        return self.processes()["processes"][name]["pid"]

    def kill(self, name: str, sig: int = signal.SIGKILL) -> int:
        """Send `sig` to one process of the cluster (e.g. "rasa-1", "actions-1")."""
        pid = self.pid(name)
        os.kill(pid, sig)
        log(f"sent signal {sig} to {name} (pid {pid})")
        return pid

    def wait_restarted(self, name: str, old_pid: int, timeout: float = 600) -> float:
        """Wait until `serve` has restarted `name` and it answers its health check; return
        the time (epoch) at which it was seen healthy."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = self.processes().get("processes", {}).get(name, {})
            if info.get("pid") not in (None, old_pid) and _healthy(info["health"]):
                return time.time()
            time.sleep(0.5)
        raise TimeoutError(f"{name} was not restarted within {timeout:.0f} s")

    # -- down

    def stop_processes(self) -> None:
        """Stop serve (which stops its children), Redis and PostgreSQL; idempotent."""
        serve_pid = self.state.get("serve_pid")
        if _alive(serve_pid):
            os.kill(serve_pid, signal.SIGTERM)
            if not _wait_gone(serve_pid, 90):
                log("serve did not stop in time; killing its process group")
                self._kill_group(serve_pid)
        elif serve_pid:
            # serve was killed itself: its children (and theirs: uvicorn and nginx workers)
            # are still in serve's process group
            self._kill_group(serve_pid)
        redis_pid = self.state.get("redis_pid")
        if _alive(redis_pid):
            os.kill(redis_pid, signal.SIGTERM)
            if not _wait_gone(redis_pid, 15):
                os.kill(redis_pid, signal.SIGKILL)
        postgres = self.state.get("postgres")
        if postgres and Path(postgres["data"], "postmaster.pid").exists():
            subprocess.run(
                [*self._as_postgres(), _pg_bin("pg_ctl"), "-D", postgres["data"], "-m", "fast",
                 "-w", "-t", "60", "stop"],
                check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                cwd=self.base_dir,
            )
            pidfile = Path(postgres["data"], "postmaster.pid")
            if pidfile.exists():      # pg_ctl failed: stop the postmaster by its pid
                with contextlib.suppress(ValueError, OSError):
                    pid = int(pidfile.read_text().split()[0])
                    os.kill(pid, signal.SIGQUIT)
                    _wait_gone(pid, 15)

    def _kill_group(self, group: int) -> None:
        """SIGKILL serve's process group (made by `up` with start_new_session) — but only
        while one of the processes `serve` reported is alive in it: then the group id
        cannot belong to anyone else."""
        for info in self.processes().get("processes", {}).values():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                if _alive(info.get("pid")) and os.getpgid(info["pid"]) == group:
                    os.killpg(group, signal.SIGKILL)
                    return

    def down(self, keep: bool = False) -> None:
        self.load()
        self.stop_processes()
        if not keep and self.base_dir.exists():
            if not self.state and any(self.base_dir.iterdir()):
                # refuse to delete a directory that was not made by `up`
                raise RuntimeError(f"{self.base_dir} has no {STATE_FILE}; not removing it")
            shutil.rmtree(self.base_dir)
        log(f"down ({self.base_dir})")


# --- command line ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="run the processes (started by `up`; production: systemd)")
    up = sub.add_parser("up", help="start a throwaway local cluster in --dir")
    down = sub.add_parser("down", help="stop the local cluster and remove --dir")
    status = sub.add_parser("status", help="show the processes of the local cluster")
    for command in (up, down, status):
        command.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    up.add_argument("--rasa-servers", type=int, default=2)
    up.add_argument("--web-workers", type=int, default=2)
    up.add_argument("--web-port", type=int, default=None)
    up.add_argument("--model", type=Path, default=None)
    up.add_argument("--single", action="store_true",
                    help="the default one-server set-up (SQLite, one Rasa server)")
    down.add_argument("--keep", action="store_true", help="keep the directory (logs, data)")
    args = parser.parse_args(argv)

    if args.command == "serve":
        return serve()
    try:
        return _command(args)
    except (RuntimeError, ValueError, TimeoutError, subprocess.CalledProcessError) as error:
        log(f"error: {error}")
        return 1


def _command(args: argparse.Namespace) -> int:
    cluster = LocalCluster(base_dir=args.dir.resolve())
    if args.command == "up":
        cluster = LocalCluster(base_dir=args.dir.resolve(), rasa_servers=args.rasa_servers,
                               web_workers=args.web_workers, single=args.single,
                               model=args.model.resolve() if args.model else None,
                               web_port=args.web_port)
        cluster.up()
        print(f"web app:   {cluster.web_url}/")
        print(f"database:  {cluster.database_url}")
        print(f"stop with: deploy/cluster.sh down --dir {cluster.base_dir}")
        return 0
    if args.command == "down":
        cluster.down(keep=args.keep)
        return 0
    cluster.load()
    serve_state = cluster.processes()
    for info in serve_state.get("processes", {}).values():
        info["healthy"] = _healthy(info["health"])
    print(json.dumps({"cluster": {k: v for k, v in cluster.state.items() if k != "env"},
                      "serve": serve_state}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
