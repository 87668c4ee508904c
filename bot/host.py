"""What the systemd units of one production host run before the servers themselves.

The servers (Rasa, action server, web app, nginx) are started and restarted by the host's
systemd (``deploy/systemd/``, README "Production and scaling"). This module prepares them
from the ``LWIW_*`` environment (``/etc/lwiw/lwiw.env``):

``python -m bot.host migrate``
    ``lwiw-migrate.service``: checks the configuration (internal secret, shared stores for
    several Rasa servers, the web app's key and proxies) and runs the Alembic migrations to
    head, once, before any server starts. A bad configuration stops here, so no server of
    the host starts with it.
``python -m bot.host endpoints PORT``
    ``ExecStartPre`` of ``lwiw-rasa@PORT.service``: the endpoints file of that Rasa server
    (tracker store, lock store, action server) in ``$LWIW_VAR_DIR``.
``python -m bot.host nginx-conf DIR``
    ``ExecStartPre`` of ``lwiw-nginx.service``: ``deploy/nginx.conf.template`` with this
    host's Rasa ports, as ``DIR/nginx.conf``.

The throwaway local cluster of the tests and benchmarks (``tests/support/cluster.py``) uses
the same configuration, nginx rendering and migrations.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.settings import ROOT, Settings

NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
MIGRATION_LOCK = 7_351_007            # pg_advisory_lock key: one host migrates at a time


def _ports(listed: tuple[int, ...], first: int, count: int | None) -> list[int]:
    """Explicit ports (LWIW_RASA_PORTS=5005,5006) or `count` consecutive ports from `first`.

    With an explicit list the count may be left out; given, it must match."""
    if listed:
        if count is not None and len(listed) != count:
            raise ValueError(f"{count} ports needed, got {','.join(map(str, listed))!r}")
        return list(listed)
    return [first + i for i in range(count or 1)]


@dataclass(frozen=True)
class HostConfig:
    """The processes of one host, from the environment (README "Production and scaling")."""

    database_url: str
    redis_url: str | None
    rasa_ports: list[int]
    action_ports: list[int]
    lb_port: int
    action_lb_port: int
    web_host: str
    web_port: int
    web_workers: int
    model: Path | None
    nginx: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> HostConfig:
        """From the settings in `environ` (default: this process's environment)."""
        settings = Settings.from_env(environ)
        config = cls(
            database_url=settings.database_url,
            redis_url=settings.redis_url,
            rasa_ports=_ports(settings.rasa_ports, settings.rasa_port, settings.rasa_servers),
            action_ports=_ports(settings.action_ports, settings.action_port,
                                settings.action_servers),
            lb_port=settings.lb_port,
            action_lb_port=settings.action_lb_port,
            web_host=settings.web_host,
            web_port=settings.web_port,
            web_workers=settings.web_workers,
            model=settings.model,
            nginx=settings.nginx,
        )
        config.check(settings)
        return config

    def check(self, settings: Settings | None = None) -> None:
        from bot.internal_auth import load_internal_secret

        # Rasa and the action server accept only our processes: the production set-up
        # (not SQLite) must have LWIW_INTERNAL_SECRET; fail here, before anything starts
        load_internal_secret(self.database_url, settings=settings)
        if len(self.rasa_ports) > 1 and not self.redis_url:
            raise ValueError("several Rasa servers need a shared lock store: set LWIW_REDIS_URL")
        if len(self.rasa_ports) > 1 and self.database_url.startswith("sqlite"):
            raise ValueError("several Rasa servers need a shared tracker store: set "
                             "LWIW_DATABASE_URL to a PostgreSQL database")

    @property
    def balanced(self) -> bool:
        return len(self.rasa_ports) > 1 or len(self.action_ports) > 1

    @property
    def rasa_url(self) -> str:
        """Where the web app sends chat messages: nginx, or the only Rasa server."""
        port = self.lb_port if len(self.rasa_ports) > 1 else self.rasa_ports[0]
        return f"http://127.0.0.1:{port}"

    @property
    def action_target_port(self) -> int:
        """Where Rasa calls actions: nginx, or the only action server."""
        return self.action_lb_port if len(self.action_ports) > 1 else self.action_ports[0]


# --- nginx in front of the Rasa servers ------------------------------------------------------


def nginx_read_timeout() -> float:
    """nginx waits 30 s longer for Rasa than the web app does (LWIW_RASA_TIMEOUT): the web
    app gives up first and answers the person."""
    from bot.settings import get_settings

    return get_settings().rasa_timeout + 30


def render_nginx_conf(config: HostConfig, directory: Path, read_timeout: float) -> str:
    """deploy/nginx.conf.template with the upstreams of this host filled in."""

    def servers(ports: list[int]) -> str:
        # passive health check: three failed attempts within 5 s take a server out for 5 s,
        # then nginx tries it again with real traffic (a restarted server rejoins by itself).
        # A refused connection is passed on to the next server at once, so a dead server
        # costs nothing; one overloaded moment does not take the last live server out.
        return "\n".join(f"        server 127.0.0.1:{p} max_fails=3 fail_timeout=5s;"
                         for p in ports)

    actions = ""
    if len(config.action_ports) > 1:
        actions = (ACTIONS_BLOCK.replace("@ACTION_SERVERS@", servers(config.action_ports))
                   .replace("@ACTION_LB_PORT@", str(config.action_lb_port))
                   .replace("@READ_TIMEOUT@", str(int(read_timeout))))
    text = NGINX_TEMPLATE.read_text(encoding="utf-8")
    for key, value in {
        "@DIR@": str(directory),
        "@RASA_SERVERS@": servers(config.rasa_ports),
        "@LB_PORT@": str(config.lb_port),
        "@READ_TIMEOUT@": str(int(read_timeout)),
        "@ACTIONS@": actions,
    }.items():
        text = text.replace(key, value)
    return text


ACTIONS_BLOCK = """
    upstream actions {
@ACTION_SERVERS@
    }
    server {
        listen 127.0.0.1:@ACTION_LB_PORT@;
        location / {
            proxy_pass http://actions;
            proxy_connect_timeout 5s;
            proxy_read_timeout @READ_TIMEOUT@s;
            proxy_next_upstream error timeout http_502 http_503;
        }
    }
"""


def write_nginx_conf(config: HostConfig, directory: Path) -> Path:
    """DIR/nginx.conf for `nginx -p DIR -c DIR/nginx.conf` (its logs and temp files in DIR)."""
    directory.mkdir(parents=True, exist_ok=True)
    conf = directory / "nginx.conf"
    conf.write_text(render_nginx_conf(config, directory, nginx_read_timeout()),
                    encoding="utf-8")
    return conf


# --- the Rasa servers' endpoints -------------------------------------------------------------


def write_rasa_endpoints(config: HostConfig, port: int) -> Path:
    """The endpoints file of the Rasa server on `port`: our SQL tracker store, the Redis
    lock store, the action server (behind nginx when there are several)."""
    if port not in config.rasa_ports:
        listed = ",".join(map(str, config.rasa_ports))
        raise ValueError(f"Rasa port {port} is not one of this host's ports ({listed}): "
                         f"nginx would send it nothing; set LWIW_RASA_PORTS to the ports "
                         f"of the enabled lwiw-rasa@PORT units")
    # bot.services imports the build steps (spaCy, TensorFlow): only here, not for migrate
    from bot import services
    from bot.settings import get_settings

    settings = dataclasses.replace(get_settings(), database_url=config.database_url,
                                   rasa_port=port, action_port=config.action_target_port)
    return services.write_endpoints(settings, config.redis_url)


# --- migrations ------------------------------------------------------------------------------


def migrate(database_url: str) -> None:
    """Alembic migrations to head. On PostgreSQL under an advisory lock, so that several
    hosts starting at once do not run the same migration twice."""
    from bot.storage.migrate import upgrade_to_head

    if not database_url.startswith("postgresql"):
        upgrade_to_head(database_url)
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            try:
                upgrade_to_head(database_url)
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"),
                                   {"key": MIGRATION_LOCK})
    finally:
        engine.dispose()


def check_and_migrate() -> HostConfig:
    """Everything checked before any server of the host starts, then the migrations."""
    from bot.settings import VAR_DIR, private_dir
    from bot.web.config import check_environment

    config = HostConfig.from_env()
    private_dir(VAR_DIR)
    check_environment(VAR_DIR)   # the web app's secret key and proxies
    migrate(config.database_url)
    return config


# --- command line ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.host", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="check the configuration, run the migrations")
    endpoints = sub.add_parser("endpoints", help="write the endpoints of one Rasa server")
    endpoints.add_argument("port", type=int)
    nginx = sub.add_parser("nginx-conf", help="write DIR/nginx.conf for this host")
    nginx.add_argument("dir", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "migrate":
            check_and_migrate()
            print("[host] configuration checked, database migrated", file=sys.stderr)
        elif args.command == "endpoints":
            path = write_rasa_endpoints(HostConfig.from_env(), args.port)
            print(f"[host] wrote {path}", file=sys.stderr)
        else:
            path = write_nginx_conf(HostConfig.from_env(), args.dir.resolve())
            print(f"[host] wrote {path}", file=sys.stderr)
    except ValueError as error:      # MissingSecret and the web app's checks are ValueErrors
        print(f"[host] error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
