"""One settings object (bot/settings.py): every LWIW_* variable the code, the deployment files
and the docs name is a field of `Settings`, read there and nowhere else; the defaults; and a
bad value stops with an error that names its variable."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from bot.settings import (
    DEFAULTS,
    ENV_PREFIX,
    ROOT,
    SETTING_FIELDS,
    Settings,
    env_name,
    env_value,
    get_settings,
)

# where LWIW_* names are written: code, deployment, docs, benchmarks, tests
SEARCHED = ["bot", "actions", "deploy", "docs", "bench", "tests", "README.md", "Makefile"]
SUFFIXES = {".py", ".md", ".yml", ".yaml", ".example", ".service", ".target", ".template",
            ".toml", ".cfg", ".env", ""}
# the throwaway local cluster's own directory (tests/support/cluster.py): test support, not a
# setting of the assistant
NOT_SETTINGS = {"LWIW_CLUSTER_DIR"}
NAME = re.compile(r"\bLWIW_[A-Z0-9_]+")
SECRET = "q8Vt3mZxP2rL9sKw4yNb7cHd1fJg6TaE0uXo5iRkWzAp"


def _files() -> list[Path]:
    found = []
    for entry in SEARCHED:
        path = ROOT / entry
        candidates = [path] if path.is_file() else sorted(path.rglob("*"))
        found += [p for p in candidates if p.is_file() and p.suffix in SUFFIXES
                  and "__pycache__" not in p.parts]
    return found


def _names_in_use() -> dict[str, set[str]]:
    """Every LWIW_* name written anywhere searched, with the files it is in."""
    names: dict[str, set[str]] = {}
    for path in _files():
        for name in NAME.findall(path.read_text(encoding="utf-8", errors="replace")):
            names.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return names


@pytest.fixture()
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No LWIW_* from the shell running the tests."""
    import os

    for name in [n for n in os.environ if n.startswith(ENV_PREFIX)]:
        monkeypatch.delenv(name)
    return monkeypatch


# --- one place -----------------------------------------------------------------------------


def test_every_lwiw_name_in_code_deployment_and_docs_is_a_setting():
    names = _names_in_use()
    # the search finds what it should (a broken search would pass everything)
    assert {"LWIW_DATABASE_URL", "LWIW_RASA_PORTS", "LWIW_ALLOW_TENSORFLOW"} <= set(names)
    fields = {env_name(name) for name in SETTING_FIELDS}
    unknown = {}
    for name, where in names.items():
        if name in NOT_SETTINGS:
            continue
        if name.endswith("_"):        # a family, "LWIW_RESUME_*": some setting must start so
            if not any(field.startswith(name) for field in fields):
                unknown[name] = sorted(where)
        elif name not in fields:
            unknown[name] = sorted(where)
    assert not unknown, f"LWIW_* names without a field in bot/settings.py: {unknown}"


def test_every_setting_is_documented_and_used():
    names = _names_in_use()
    for name, spec in SETTING_FIELDS.items():
        assert len(spec.metadata["doc"]) > 15, name
        # a field nobody sets or mentions is a dead setting
        assert env_name(name) in names, f"{env_name(name)} is named nowhere"


def test_only_bot_settings_reads_the_environment():
    """bot/build.py copies the whole environment for child processes (its comment says so);
    everything else asks bot/settings.py."""
    readers = set()
    for folder in ("bot", "actions"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if re.search(r"os\.environ|os\.getenv|getenv\(", text):
                readers.add(str(path.relative_to(ROOT)))
    assert readers == {"bot/settings.py", "bot/build.py"}


# --- defaults --------------------------------------------------------------------------------


def test_defaults_are_the_local_set_up(clean_env):
    settings = get_settings()
    assert settings == Settings() == DEFAULTS
    assert settings.var_dir == ROOT / "var"
    assert settings.database_url == f"sqlite:///{ROOT / 'var' / 'lwiw.db'}"
    assert (settings.rasa_port, settings.action_port, settings.web_port) == (5005, 5055, 8000)
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.web_host == "127.0.0.1" and settings.rasa_timeout == 45.0
    assert (settings.retention_days, settings.audit_retention_days) == (365, 730)
    assert settings.redis_url is None and settings.secret_key is None
    assert settings.internal_secret is None and settings.resume_pepper is None
    assert not settings.secure_cookie and not settings.allow_tensorflow


def test_derived_defaults_follow_the_settings_they_derive_from():
    settings = Settings.from_env({"LWIW_VAR_DIR": "/srv/lwiw", "LWIW_RASA_PORT": "6005"})
    assert settings.var_dir == Path("/srv/lwiw")
    assert settings.database_url == "sqlite:////srv/lwiw/lwiw.db"
    assert settings.rasa_url == "http://127.0.0.1:6005"
    explicit = Settings.from_env({"LWIW_RASA_PORT": "6005", "LWIW_RASA_URL": "http://lb:1"})
    assert explicit.rasa_url == "http://lb:1"


def test_values_are_read_and_typed():
    settings = Settings.from_env({
        "LWIW_WEB_PORT": "9000", "LWIW_RASA_TIMEOUT": "150", "LWIW_RASA_PORTS": "5005, 5006",
        "LWIW_SECURE_COOKIE": "Yes", "LWIW_ALLOW_TENSORFLOW": "1", "LWIW_MODEL": "/m.tar.gz",
        "LWIW_REDIS_URL": "redis://r:6379/0", "LWIW_SECRET_KEY": SECRET,
    })
    assert settings.web_port == 9000 and settings.rasa_timeout == 150.0
    assert settings.rasa_ports == (5005, 5006)
    assert settings.secure_cookie and settings.allow_tensorflow
    assert settings.model == Path("/m.tar.gz") and settings.redis_url == "redis://r:6379/0"
    assert settings.secret_key == SECRET
    # anything but 1/true/yes/on is off
    assert not Settings.from_env({"LWIW_SECURE_COOKIE": "0"}).secure_cookie
    assert not Settings.from_env({"LWIW_SECURE_COOKIE": "no"}).secure_cookie


def test_an_empty_value_counts_as_unset():
    assert Settings.from_env({env_name(name): "" for name in SETTING_FIELDS}) == DEFAULTS


def test_one_setting_alone_and_all_together_agree():
    environ = {"LWIW_ALLOW_TENSORFLOW": "1", "LWIW_VAR_DIR": "/srv/lwiw"}
    for name in ("allow_tensorflow", "var_dir", "web_port"):
        assert env_value(name, environ) == getattr(Settings.from_env(environ), name)


def test_other_configurations_take_their_defaults_from_the_settings():
    from bot.resume_codes import ResumePolicy
    from bot.web.config import WebConfig

    policy = ResumePolicy()
    assert (policy.client_failures, policy.global_failures, policy.window_seconds,
            policy.idle_days) == (DEFAULTS.resume_client_failures,
                                  DEFAULTS.resume_global_failures,
                                  60 * DEFAULTS.resume_window_minutes,
                                  DEFAULTS.resume_code_idle_days)
    web = WebConfig(rasa_url="http://x", database_url="sqlite://", secret_key=SECRET)
    assert web.rasa_timeout == DEFAULTS.rasa_timeout


def test_the_readme_tables_state_the_defaults_of_the_settings():
    """Rows like "| `LWIW_RASA_PORT` / `LWIW_ACTION_PORT` | 5005 / 5055 | …": the numbers
    the README promises are the fields' defaults."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    checked = 0
    for names, values in re.findall(r"^\| (`LWIW_[^|]+) \| ([^|]+) \|", readme, re.M):
        fields = [n.strip(" `") for n in names.split("/")]
        # "5005 / 5055" for two names; one name's value may hold a slash ("`var/`")
        stated = [v.strip() for v in values.split("/")] if len(fields) > 1 else [values.strip()]
        for name, value in zip(fields, stated, strict=True):
            if re.fullmatch(r"[0-9]+", value) and not name.endswith("_SERVERS"):
                field = name.removeprefix(ENV_PREFIX).lower()
                assert getattr(DEFAULTS, field) == int(value), name
                checked += 1
            elif name.endswith("_SERVERS"):       # unset means one server
                assert value == "1" and getattr(DEFAULTS, name[5:].lower()) is None
    assert checked >= 10


def test_secrets_stay_out_of_the_repr():
    settings = Settings.from_env({"LWIW_SECRET_KEY": SECRET, "LWIW_INTERNAL_SECRET": SECRET,
                                  "LWIW_RESUME_PEPPER": SECRET})
    assert SECRET not in repr(settings) and "web_port=8000" in repr(settings)


# --- bad values --------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "value", "message"), [
    ("LWIW_WEB_PORT", "80a", "LWIW_WEB_PORT must be a whole number, not '80a'"),
    ("LWIW_RETENTION_DAYS", "ein Jahr", "LWIW_RETENTION_DAYS must be a whole number"),
    ("LWIW_RASA_TIMEOUT", "lang", "LWIW_RASA_TIMEOUT must be a number of seconds"),
    ("LWIW_RASA_PORTS", "5005;5006", "LWIW_RASA_PORTS must be ports separated by commas"),
    ("LWIW_RESUME_GLOBAL_FAILURES", "0", "LWIW_RESUME_GLOBAL_FAILURES must be at least 1"),
    ("LWIW_RESUME_WINDOW_MINUTES", "-5", "LWIW_RESUME_WINDOW_MINUTES must be at least 1"),
])
def test_a_bad_value_names_its_variable(clean_env, name, value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        Settings.from_env({name: value})
    clean_env.setenv(name, value)
    with pytest.raises(ValueError, match=re.escape(message)):
        get_settings()


def test_the_start_checks_stop_with_their_messages(clean_env, tmp_path):
    """The secrets and proxies are text in the settings, checked where their rules live;
    `check_environment` (lwiw run, lwiw-migrate) reports every kind of bad value."""
    from bot.resume_codes import ResumePolicy
    from bot.web.config import check_environment

    check_environment(tmp_path)                         # the defaults are fine
    cases = {
        "LWIW_SECRET_KEY": ("CHANGE-ME-at-least-32-random-bytes-the-same-on-every-host",
                            "LWIW_SECRET_KEY is not a usable secret key: it is a placeholder"),
        "LWIW_TRUSTED_PROXIES": ("*", "LWIW_TRUSTED_PROXIES: '*' is no IP address or network"),
        "LWIW_RESUME_PEPPER": ("kurz", "LWIW_RESUME_PEPPER is not a usable secret: it is "
                               "shorter than 32 characters"),
        "LWIW_WEB_PORT": ("x", "LWIW_WEB_PORT must be a whole number"),
        "LWIW_RESUME_CLIENT_FAILURES": ("0", "LWIW_RESUME_CLIENT_FAILURES must be at least 1"),
    }
    for name, (value, message) in cases.items():
        clean_env.setenv(name, value)
        with pytest.raises(ValueError, match=re.escape(message)):
            check_environment(tmp_path)
        clean_env.delenv(name)
    clean_env.setenv("LWIW_RESUME_CODE_IDLE_DAYS", "0")
    with pytest.raises(ValueError, match="LWIW_RESUME_CODE_IDLE_DAYS must be at least 1"):
        ResumePolicy.from_env()


def test_the_internal_secret_comes_from_the_settings(clean_env, tmp_path):
    from bot.internal_auth import MissingSecret, load_internal_secret, secret_from_env

    with pytest.raises(MissingSecret, match="LWIW_INTERNAL_SECRET is not set"):
        secret_from_env()
    clean_env.setenv("LWIW_DATABASE_URL", "postgresql+psycopg2://lwiw:pw@db/lwiw")
    with pytest.raises(MissingSecret, match="LWIW_INTERNAL_SECRET must be set"):
        load_internal_secret(var_dir=tmp_path)
    clean_env.setenv("LWIW_INTERNAL_SECRET", SECRET)
    assert secret_from_env() == SECRET == load_internal_secret(var_dir=tmp_path)


def test_the_host_configuration_reads_the_given_environment(clean_env):
    from bot.host import HostConfig

    environ = {"LWIW_INTERNAL_SECRET": SECRET, "LWIW_RASA_SERVERS": "3",
               "LWIW_RASA_PORT": "7000", "LWIW_REDIS_URL": "redis://r:6379/0",
               "LWIW_DATABASE_URL": "postgresql+psycopg2://lwiw:pw@db/lwiw",
               "LWIW_WEB_WORKERS": "4", "LWIW_NGINX": "/usr/sbin/nginx"}
    config = HostConfig.from_env(environ)
    assert config.rasa_ports == [7000, 7001, 7002] and config.action_ports == [5055]
    assert (config.web_workers, config.nginx, config.lb_port) == (4, "/usr/sbin/nginx", 5000)
    assert config.rasa_url == "http://127.0.0.1:5000"
    listed = HostConfig.from_env({**environ, "LWIW_RASA_PORTS": "5005,5006",
                                  "LWIW_RASA_SERVERS": "2"})
    assert listed.rasa_ports == [5005, 5006]
    with pytest.raises(ValueError, match="3 ports needed, got '5005,5006'"):
        HostConfig.from_env({**environ, "LWIW_RASA_PORTS": "5005,5006"})
    with pytest.raises(ValueError, match="shared lock store: set LWIW_REDIS_URL"):
        HostConfig.from_env({k: v for k, v in environ.items() if k != "LWIW_REDIS_URL"})


def test_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULTS.web_port = 1  # type: ignore[misc]
