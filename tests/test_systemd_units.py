"""Issue 17, point 2: a production host runs under systemd (deploy/systemd/).

The units are checked by systemd itself (`systemd-analyze verify`, and `systemd-analyze
security` for their exposure), copied to a temp directory with the install prefix /opt/lwiw
pointing at this checkout, so that the programs they start exist. Their settings are
checked as systemd reads them (hardening, restarts, the migrations first, the target), their
server commands against the ones the local cluster starts (bot/services.py), and the steps
that run before the servers (migrations, a Rasa server's endpoints, nginx's configuration)
are run from the units' own command lines, nginx included, against a stand-in Rasa server.

No systemd is running in a container; `systemd-analyze` works without one (Debian package
`systemd`, installed by scripts/setup.sh). Without it this test fails, it does not skip.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import shutil
import signal
import stat
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import pytest
import yaml

from bot import services
from bot.services import free_port
from bot.settings import ROOT, Settings
from tests.support.loopback import serving

UNITS = ROOT / "deploy" / "systemd"
ENV_EXAMPLE = ROOT / "deploy" / "production.env.example"
PREFIX = "/opt/lwiw"
VAR = "/var/lib/lwiw"
ENV_FILE = "/etc/lwiw/lwiw.env"
MIGRATE = "lwiw-migrate.service"
RASA = "lwiw-rasa@.service"
SERVERS = ("lwiw-actions.service", RASA, "lwiw-nginx.service", "lwiw-web.service")
SERVICES = (MIGRATE, *SERVERS)
TARGET = "lwiw.target"
# systemd gives a service this PATH and little else
SERVICE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"

# every service, also the one-shot migration (the last value of a key counts, as in systemd)
HARDENING = {
    "User": "lwiw",
    "Group": "lwiw",
    "WorkingDirectory": PREFIX,
    "EnvironmentFile": ENV_FILE,
    "StateDirectory": "lwiw",
    "StateDirectoryMode": "0700",
    "UMask": "0077",
    "NoNewPrivileges": "yes",
    "CapabilityBoundingSet": "",
    "AmbientCapabilities": "",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "PrivateMounts": "yes",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectKernelLogs": "yes",
    "ProtectControlGroups": "yes",
    "ProtectClock": "yes",
    "ProtectHostname": "yes",
    "ProtectProc": "invisible",
    "RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6",
    "RestrictNamespaces": "yes",
    "RestrictRealtime": "yes",
    "RestrictSUIDSGID": "yes",
    "LockPersonality": "yes",
    "RemoveIPC": "yes",
    "SystemCallArchitectures": "native",
    "SystemCallErrorNumber": "EPERM",
}
MAX_EXPOSURE = 2.0        # systemd-analyze security: 0 (locked down) .. 10 (unprotected)


# --- reading units as systemd does ------------------------------------------------------------


@dataclass
class Unit:
    name: str
    sections: dict[str, list[tuple[str, str]]]

    def all(self, section: str, key: str) -> list[str]:
        return [value for k, value in self.sections.get(section, []) if k == key]

    def get(self, section: str, key: str) -> str | None:
        values = self.all(section, key)
        return values[-1] if values else None

    def words(self, section: str, key: str) -> set[str]:
        """A list setting (Wants=, After=, ...): every line adds to it."""
        return {word for value in self.all(section, key) for word in value.split()}

    def environment(self) -> dict[str, str]:
        env: dict[str, str] = {}
        for value in self.all("Service", "Environment"):
            for assignment in shlex.split(value):
                key, _, val = assignment.partition("=")
                env[key] = val
        return env


def parse_unit(path: Path) -> Unit:
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        assert not line.endswith("\\"), f"{path.name}: keep settings on one line"
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
            continue
        key, _, value = line.partition("=")
        assert current is not None, f"{path.name}: {line!r} outside a section"
        current.append((key.strip(), value.strip()))
    return Unit(path.name, sections)


def read_env_file(path: Path) -> dict[str, str]:
    env = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith(("#", ";")):
            key, _, value = line.partition("=")
            env[key.strip()] = value
    return env


def command(line: str, env: dict[str, str], instance: str = "") -> list[str]:
    """An Exec*= line as systemd runs it: %i is the instance, "${NAME}" one argument."""
    args = []
    for word in shlex.split(line.replace("%i", instance)):
        whole = re.fullmatch(r"\$\{(\w+)\}", word)
        args.append(env[whole.group(1)] if whole else word)
    return args


def units() -> dict[str, Unit]:
    return {path.name: parse_unit(path) for path in sorted(UNITS.iterdir())}


# --- the units, installed into a temp directory -------------------------------------------


@dataclass
class Installed:
    directory: Path
    var: Path
    env_file: Path

    def unit(self, name: str) -> Unit:
        return parse_unit(self.directory / name)

    def service_env(self, name: str, **overrides: str) -> dict[str, str]:
        """The environment systemd gives the service: Environment=, then the
        EnvironmentFile= (which wins), nothing inherited from this test."""
        return {"PATH": SERVICE_PATH, "LANG": "C.UTF-8", **self.unit(name).environment(),
                **read_env_file(self.env_file), **overrides}

    def run(self, name: str, line: str, instance: str = "", **overrides: str
            ) -> subprocess.CompletedProcess:
        """One Exec*= line of unit `name`, with its environment, directory and UMask=."""
        unit = self.unit(name)
        env = self.service_env(name, **overrides)
        return subprocess.run(command(line, env, instance), env=env, text=True,
                              cwd=unit.get("Service", "WorkingDirectory"),
                              umask=int(unit.get("Service", "UMask"), 8),
                              capture_output=True, timeout=300)


def strong_secret() -> str:
    return secrets.token_urlsafe(48)


@pytest.fixture()
def installed(tmp_path: Path) -> Installed:
    """deploy/systemd/ with /opt/lwiw = this checkout, /var/lib/lwiw and /etc/lwiw/lwiw.env
    in tmp_path; lwiw.env = the example with generated secrets."""
    directory, var = tmp_path / "units", tmp_path / "var"
    directory.mkdir()
    env_file = tmp_path / "lwiw.env"
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    for key in ("LWIW_SECRET_KEY", "LWIW_INTERNAL_SECRET"):
        text = re.sub(rf"(?m)^{key}=.*$", f"{key}={strong_secret()}", text)
    env_file.write_text(text, encoding="utf-8")
    for path in UNITS.iterdir():
        text = (path.read_text(encoding="utf-8").replace(PREFIX, str(ROOT))
                .replace(VAR, str(var)).replace(ENV_FILE, str(env_file)))
        (directory / path.name).write_text(text, encoding="utf-8")
    return Installed(directory, var, env_file)


def analyze() -> str:
    binary = shutil.which("systemd-analyze")
    if binary is None:
        pytest.fail("systemd-analyze is missing: Debian package systemd (scripts/setup.sh)")
    return binary


def verify_problems(directory: Path, names: list[str]) -> list[str]:
    """What `systemd-analyze verify` reports about these units (nothing: they are fine)."""
    result = subprocess.run([analyze(), "verify", *names], cwd=directory, text=True,
                            capture_output=True, timeout=120)
    lines = (result.stdout + result.stderr).splitlines()
    problems = [line for line in lines if "lwiw" in line]
    if result.returncode != 0 and not problems:
        problems = lines or [f"exit status {result.returncode}"]
    return problems


ALL_UNITS = [TARGET, *(n for n in SERVICES if n != RASA),
             "lwiw-rasa@5005.service", "lwiw-rasa@5006.service"]


# --- systemd's own checks ---------------------------------------------------------------------


def test_deploy_ships_the_units_and_nothing_else():
    assert sorted(p.name for p in UNITS.iterdir()) == sorted((*SERVICES, TARGET))


def test_systemd_analyze_verify_accepts_every_unit(installed):
    assert verify_problems(installed.directory, ALL_UNITS) == []


def test_verify_would_report_a_broken_unit(installed):
    """The check above can fail: a misspelt setting and a missing program are reported."""
    web = installed.directory / "lwiw-web.service"
    web.write_text(web.read_text(encoding="utf-8")
                   .replace("Restart=on-failure", "Restart=on-failur")
                   .replace("ProtectSystem=strict", "ProtectSytem=strict"), encoding="utf-8")
    nginx = installed.directory / "lwiw-nginx.service"
    nginx.write_text(nginx.read_text(encoding="utf-8")
                     .replace("/usr/sbin/nginx -p", "/nonexistent/nginx -p"), encoding="utf-8")
    problems = "\n".join(verify_problems(installed.directory, ALL_UNITS))
    assert "on-failur" in problems
    assert "ProtectSytem" in problems
    assert "/nonexistent/nginx" in problems


@pytest.mark.parametrize("name", [n if n != RASA else "lwiw-rasa@5005.service"
                                  for n in SERVICES])
def test_systemd_rates_every_service_well_protected(installed, name):
    result = subprocess.run(
        [analyze(), "security", "--offline=true", f"--threshold={int(MAX_EXPOSURE * 10)}",
         name], cwd=installed.directory, text=True, capture_output=True, timeout=120)
    level = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
    assert level, result.stdout + result.stderr
    assert float(level.group(1)) <= MAX_EXPOSURE, result.stdout
    assert result.returncode == 0, result.stdout + result.stderr


# --- the settings -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_runs_as_its_own_user_locked_down(name):
    unit = units()[name]
    actual = {key: unit.get("Service", key) for key in HARDENING}
    assert actual == HARDENING
    # allowed system calls: systemd's set for services, without the privileged ones
    assert unit.all("Service", "SystemCallFilter") == ["@system-service", "~@privileged"]
    # the state directory is the only writable place, and the application writes there
    assert unit.environment()["LWIW_VAR_DIR"] == VAR == f"/var/lib/{HARDENING['StateDirectory']}"
    assert unit.environment()["HOME"] == VAR
    assert not unit.all("Service", "ReadWritePaths")
    # every program comes from the install prefix or the system
    for key in ("ExecStartPre", "ExecStart", "ExecReload"):
        for line in unit.all("Service", key):
            assert line.startswith((f"{PREFIX}/.venv/bin/python -m ", "/usr/sbin/nginx ",
                                    "/bin/kill ")), line


@pytest.mark.parametrize("name", SERVERS)
def test_every_server_restarts_and_starts_after_the_migrations(name):
    unit = units()[name]
    assert unit.get("Service", "Restart") == "on-failure"
    assert unit.get("Service", "Type") in (None, "simple")
    assert MIGRATE in unit.words("Unit", "Requires")
    assert MIGRATE in unit.words("Unit", "After")
    assert unit.get("Unit", "PartOf") == TARGET
    # given up after five failed starts within a minute, as the local cluster does
    assert (unit.get("Unit", "StartLimitIntervalSec"), unit.get("Unit", "StartLimitBurst")) \
        == ("60", "5")


def test_the_migrations_run_once_before_the_servers():
    unit = units()[MIGRATE]
    assert unit.get("Service", "Type") == "oneshot"
    # stays active: a server's restart does not run the migrations again
    assert unit.get("Service", "RemainAfterExit") == "yes"
    assert unit.all("Service", "ExecStart") == [f"{PREFIX}/.venv/bin/python -m bot.host migrate"]
    assert unit.get("Service", "Restart") is None
    assert unit.get("Unit", "PartOf") == TARGET


def test_the_target_wants_every_service_and_every_rasa_instance_joins_it():
    all_units = units()
    target = all_units[TARGET]
    assert target.words("Unit", "Wants") == {n for n in SERVICES if n != RASA}
    assert target.get("Install", "WantedBy") == "multi-user.target"
    # `systemctl enable lwiw-rasa@5005` links the instance into lwiw.target.wants/
    assert all_units[RASA].get("Install", "WantedBy") == TARGET
    # the others are pulled in by the target alone (one way to enable them, not two)
    assert [n for n in SERVICES if n != RASA and "Install" in all_units[n].sections] == []


def test_the_web_app_starts_after_the_servers_it_calls():
    all_units = units()
    web = all_units["lwiw-web.service"]
    assert {"lwiw-actions.service", "lwiw-nginx.service"} <= web.words("Unit", "After")
    # a template cannot be named in After=; each instance orders itself before them
    assert {"lwiw-nginx.service", "lwiw-web.service"} <= all_units[RASA].words("Unit", "Before")
    assert "lwiw-actions.service" in all_units[RASA].words("Unit", "After")


# --- the commands: the same as the local cluster's -------------------------------------------


@pytest.fixture()
def started(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], dict[str, str]]]:
    """What bot.services would start (command, environment), without starting it; paths
    as on a production host."""
    calls: list[tuple[list[str], dict[str, str]]] = []
    monkeypatch.setattr(services, "_popen", lambda cmd, env, log: calls.append((cmd, env)))
    monkeypatch.setattr(services, "ROOT", Path(PREFIX))
    monkeypatch.setattr(services, "VAR_DIR", Path(VAR))
    for key in ("PYTHONPATH", "TF_CPP_MIN_LOG_LEVEL", "RASA_TELEMETRY_ENABLED", "SANIC_HOST",
                "LWIW_RASA_URL", "LWIW_DATABASE_URL", "LWIW_INTERNAL_SECRET"):
        monkeypatch.delenv(key, raising=False)
    return calls


SETTINGS = Settings(database_url="postgresql+psycopg2://lwiw:pw@db/lwiw",
                    rasa_url="http://127.0.0.1:5000", action_port=5055, rasa_port=5005,
                    web_port=8000, web_host="127.0.0.1", retention_days=365,
                    internal_secret="x" * 64)


def assert_same_start(name: str, calls: list, instance: str = "") -> None:
    """The unit's ExecStart (its Environment= defaults filled in) is the command the local
    cluster runs, and every variable that start sets comes from the unit or lwiw.env."""
    (cmd, env), = calls
    unit = units()[name]
    unit_env = {**unit.environment(), **{"LWIW_MODEL": f"{PREFIX}/models"}}
    line, = unit.all("Service", "ExecStart")
    expected = command(line, unit_env, instance)
    assert expected[0] == f"{PREFIX}/.venv/bin/python"
    assert expected[1:] == cmd[1:]
    set_by_start = {key for key in env if os.environ.get(key) != env[key]}
    provided = set(unit_env) | set(read_env_file(ENV_EXAMPLE))
    assert set_by_start <= provided, set_by_start - provided
    # the same values (PYTHONPATH: the checkout there, the install prefix here)
    for key in set_by_start & set(unit_env) - {"PYTHONPATH"}:
        assert env[key] == unit_env[key], key
    assert unit_env["PYTHONPATH"] == unit.get("Service", "WorkingDirectory") == PREFIX


def test_the_action_server_unit_starts_what_the_local_cluster_starts(started):
    services.start_action_server(SETTINGS)
    assert_same_start("lwiw-actions.service", started)


def test_the_rasa_unit_starts_what_the_local_cluster_starts(started):
    services.start_rasa(SETTINGS, Path(f"{PREFIX}/models"),
                        Path(f"{VAR}/endpoints-5005.yml"))
    assert_same_start(RASA, started, instance="5005")


def test_the_web_unit_starts_what_the_local_cluster_starts(started):
    services.start_web(SETTINGS, workers=2)
    assert_same_start("lwiw-web.service", started)


def test_nginx_runs_in_the_directory_its_configuration_is_written_to():
    unit = units()["lwiw-nginx.service"]
    pre, = unit.all("Service", "ExecStartPre")
    directory = shlex.split(pre)[-1]
    assert pre == f"{PREFIX}/.venv/bin/python -m bot.host nginx-conf {directory}"
    assert directory.startswith(f"{VAR}/")
    # the command the local cluster uses (tests/support/cluster.py, Supervisor._start_nginx)
    assert shlex.split(unit.get("Service", "ExecStart")) == [
        "/usr/sbin/nginx", "-p", directory, "-c", f"{directory}/nginx.conf",
        "-e", f"{directory}/error.log"]
    assert unit.all("Service", "ExecReload") == [pre, "/bin/kill -HUP $MAINPID"]


# --- lwiw.env ----------------------------------------------------------------------------------


def test_the_example_environment_reads_the_same_in_systemd():
    """systemd takes everything after `=` as the value: no trailing comments, no quotes,
    no spaces; LWIW_VAR_DIR belongs to the units."""
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.fullmatch(r"[A-Z][A-Z0-9_]*=[^\s#'\"]+", line), line
    env = read_env_file(ENV_EXAMPLE)
    assert "LWIW_VAR_DIR" not in env
    # the web app reaches nginx, and nginx the ports of the instances the README enables
    assert env["LWIW_RASA_URL"] == f"http://127.0.0.1:{env['LWIW_LB_PORT']}"
    assert env["LWIW_RASA_PORTS"] == "5005,5006"
    assert "lwiw-rasa@5005 lwiw-rasa@5006" in (ROOT / "README.md").read_text(encoding="utf-8")


# --- the steps before the servers, run from the units' command lines --------------------------


def test_the_migration_refuses_the_example_placeholders(installed):
    installed.env_file.write_text(ENV_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    line, = installed.unit(MIGRATE).all("Service", "ExecStart")
    result = installed.run(MIGRATE, line)
    assert result.returncode == 1
    assert "LWIW_INTERNAL_SECRET is not a usable secret" in result.stderr
    assert not installed.var.exists() or not any(installed.var.iterdir())


def test_the_migration_unit_checks_and_migrates(installed):
    line, = installed.unit(MIGRATE).all("Service", "ExecStart")
    database = installed.var / "lwiw.db"
    # several Rasa servers on SQLite: refused before anything is written
    refused = installed.run(MIGRATE, line, LWIW_DATABASE_URL=f"sqlite:///{database}")
    assert refused.returncode == 1
    assert "shared tracker store" in refused.stderr
    assert not database.exists()
    done = installed.run(MIGRATE, line, LWIW_DATABASE_URL=f"sqlite:///{database}",
                         LWIW_RASA_PORTS="5005")
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(installed.var.stat().st_mode) == 0o700
    import sqlalchemy

    engine = sqlalchemy.create_engine(f"sqlite:///{database}")
    try:
        tables = set(sqlalchemy.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"alembic_version", "answers"} <= tables


def test_a_rasa_instance_gets_the_endpoints_its_start_reads(installed):
    unit = installed.unit(RASA)
    pre, = unit.all("Service", "ExecStartPre")
    result = installed.run(RASA, pre, instance="5006")
    assert result.returncode == 0, result.stderr
    start = command(unit.get("Service", "ExecStart"),
                    installed.service_env(RASA), instance="5006")
    endpoints = Path(start[start.index("--endpoints") + 1])
    # it holds the database and Redis passwords: the service user's alone
    assert stat.S_IMODE(endpoints.stat().st_mode) == 0o600
    assert stat.S_IMODE(endpoints.parent.stat().st_mode) == 0o700
    written = yaml.safe_load(endpoints.read_text(encoding="utf-8"))
    assert written["tracker_store"]["dialect"] == "postgresql"
    assert written["tracker_store"]["url"] == "db.internal"
    assert written["lock_store"]["type"] == "redis"
    assert written["action_endpoint"]["url"] == "http://127.0.0.1:5055/webhook"
    # the secret itself stays out of the file (Rasa expands it from its environment)
    assert read_env_file(installed.env_file)["LWIW_INTERNAL_SECRET"] not in \
        endpoints.read_text(encoding="utf-8")
    # an instance nginx does not know of is refused
    stray = installed.run(RASA, pre, instance="5007")
    assert stray.returncode == 1
    assert "5007 is not one of this host's ports (5005,5006)" in stray.stderr


@pytest.fixture()
def rasa_stand_in() -> Iterator[int]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self.send_response(200)
            self.end_headers()
            self.wfile.write(f"rasa on {self.server.server_address[1]}".encode())

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as url:
        yield int(url.rsplit(":", 1)[1])


def test_the_nginx_unit_balances_across_the_configured_rasa_ports(installed, rasa_stand_in):
    unit = installed.unit("lwiw-nginx.service")
    dead, lb = free_port(), free_port()
    ports = {"LWIW_RASA_PORTS": f"{dead},{rasa_stand_in}", "LWIW_LB_PORT": str(lb)}
    pre, = unit.all("Service", "ExecStartPre")
    result = installed.run("lwiw-nginx.service", pre, **ports)
    assert result.returncode == 0, result.stderr
    env = installed.service_env("lwiw-nginx.service", **ports)
    nginx = subprocess.Popen(command(unit.get("Service", "ExecStart"), env), env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        answers = []
        deadline = time.monotonic() + 30
        while len(answers) < 4 and time.monotonic() < deadline:
            assert nginx.poll() is None, nginx.stdout.read()
            try:
                answers.append(httpx.get(f"http://127.0.0.1:{lb}/", timeout=5))
            except httpx.TransportError:
                time.sleep(0.2)
        # the dead server is skipped: every request reaches the live one
        assert [(a.status_code, a.text) for a in answers] == \
            [(200, f"rasa on {rasa_stand_in}")] * 4
    finally:
        nginx.send_signal(signal.SIGQUIT)
        try:
            nginx.wait(timeout=20)
        except subprocess.TimeoutExpired:
            nginx.kill()
            nginx.wait()
    conf = (installed.var / "nginx" / "nginx.conf").read_text(encoding="utf-8")
    assert f"server 127.0.0.1:{dead} max_fails=3" in conf
    assert f"listen 127.0.0.1:{lb};" in conf
    assert "proxy_read_timeout 180s;" in conf          # LWIW_RASA_TIMEOUT 150 + 30
