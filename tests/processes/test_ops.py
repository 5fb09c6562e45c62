"""scripts/vnarchive_ops, the package behind scripts/ctl.py and scripts/backup.py, without
starting anything: settings, rendering, pidfiles, backup sets (test_instance.py,
test_topologies.py and test_backup.py run the real processes)."""

from helpers import ROOT

import ast
import os
import pytest
import subprocess
import sys


SCRIPTS = ROOT / "scripts"
PACKAGE = SCRIPTS / "vnarchive_ops"
sys.path.insert(0, str(SCRIPTS))

from vnarchive_ops import control  # noqa: E402
from vnarchive_ops import postgresql  # noqa: E402
from vnarchive_ops import processes  # noqa: E402
from vnarchive_ops.backup.common import BackupError  # noqa: E402
from vnarchive_ops.backup.common import DAMAGED  # noqa: E402
from vnarchive_ops.backup.sets import BackupSet  # noqa: E402
from vnarchive_ops.instance import render  # noqa: E402
from vnarchive_ops.settings import backup_targets  # noqa: E402
from vnarchive_ops.settings import settings  # noqa: E402


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A clean VNARCHIVE_* environment with VAR and ETC under tmp_path."""
    for key in list(os.environ):
        if key.startswith("VNARCHIVE_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("VNARCHIVE_VAR", str(tmp_path / "var"))
    monkeypatch.setenv("VNARCHIVE_ETC", str(tmp_path / "etc"))
    return monkeypatch


def modules():
    return sorted(PACKAGE.rglob("*.py"))


def test_modules_import_only_public_names():
    """(Their size is checked with every file's: scripts/check_layout.py.)"""
    for path in [*modules(), SCRIPTS / "ctl.py", SCRIPTS / "backup.py"]:
        text = path.read_text()
        assert "sys.path.insert" not in text, path
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, (path, private)
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id not in ("self", "cls", "os", "sys")
            ):
                # module._name across modules (self._name inside a class is fine)
                assert not node.attr.startswith("_"), (path, node.attr)


def test_settings_defaults_and_flags(env, tmp_path):
    conf = settings()
    assert conf["var"] == str(tmp_path / "var")
    assert conf["storage"] == "zeo"
    assert conf["clients"] == 1
    assert conf["lb"] is False
    env.setenv("VNARCHIVE_CLIENTS", "3")
    assert settings()["lb"] is True  # a load balancer comes with several clients
    env.setenv("VNARCHIVE_LB", "0")
    assert settings()["lb"] is False
    env.setenv("VNARCHIVE_SOLR_URL", "http://solr:8983/solr/vnarchive")
    assert settings()["solr"] is False
    env.setenv("VNARCHIVE_STORAGE", "mysql")
    with pytest.raises(SystemExit):
        settings()


def test_backup_targets(env, tmp_path):
    assert backup_targets()[1] == ROOT / "instance" / "backups" / "1"
    env.setenv("VNARCHIVE_BACKUP_2", str(tmp_path / "elsewhere"))
    assert backup_targets()[2] == tmp_path / "elsewhere"


def test_render_zeo_with_a_load_balancer(env, tmp_path):
    env.setenv("VNARCHIVE_CLIENTS", "2")
    env.setenv("VNARCHIVE_PORT", "9100")
    conf = settings()
    render(conf)
    etc = tmp_path / "etc"
    assert "<zeoclient>" in (etc / "zope-client2.conf").read_text()
    assert (etc / "zeo.conf").exists()
    nginx = (etc / "nginx.conf").read_text()
    assert "server 127.0.0.1:9100 " in nginx
    assert "server 127.0.0.1:9101 " in nginx
    assert oct((tmp_path / "var" / "blobstorage").stat().st_mode & 0o777) == "0o700"


def test_render_relstorage_doubles_dollars_of_the_dsn(env, tmp_path):
    env.setenv("VNARCHIVE_STORAGE", "relstorage")
    env.setenv("VNARCHIVE_PG_DSN", "dbname=x password=a$b host=db")
    conf = settings()
    render(conf)
    text = (tmp_path / "etc" / "zope-client1.conf").read_text()
    assert "password=a$$b" in text
    assert "<zeoclient>" not in text
    assert not (tmp_path / "etc" / "zeo.conf").exists()
    assert not postgresql.is_private(conf)
    assert postgresql.dsn_address(postgresql.dsn(conf)) == "db:5432"
    assert postgresql.safe_dsn(conf["pg_dsn"]) == "dbname=x password=*** host=db"


def test_private_postgresql_password_is_made_once(env, tmp_path):
    env.setenv("VNARCHIVE_STORAGE", "relstorage")
    conf = settings()
    assert postgresql.is_private(conf)
    first = postgresql.dsn(conf)
    assert first == postgresql.dsn(conf)
    path = tmp_path / "var" / "postgresql" / "password"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert f"password={path.read_text().strip()} " in first


def test_pidfiles_and_stop_order(env, tmp_path):
    env.setenv("VNARCHIVE_WORKERS", "2")
    conf = settings()
    var = tmp_path / "var"
    var.mkdir()
    (var / "client3.pid").write_text("999999999")  # left by a larger topology
    assert processes.running(conf, "client3") is None
    assert not (var / "client3.pid").exists()  # a stale pidfile goes
    (var / "client3.pid").write_text(str(os.getpid()))
    assert processes.running(conf, "client3") == os.getpid()
    assert processes.recorded(conf) == [("client3", os.getpid())]
    assert processes.recorded(conf, keep=("client",)) == []
    assert control.components(conf) == [
        "nginx",
        "worker2",
        "worker1",
        "client3",
        "client1",
        "solr",
        "zeoserver",
        "postgresql",
    ]


def test_a_set_without_manifest_is_damaged(tmp_path):
    backup_set = BackupSet(1, tmp_path)
    (tmp_path / "backup.json").write_text("{}")
    with pytest.raises(BackupError) as raised:
        backup_set.verify()
    assert raised.value.status == DAMAGED


def test_command_lines(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("VNARCHIVE_")
    }
    env.update(VNARCHIVE_VAR=str(tmp_path / "var"), VNARCHIVE_ETC=str(tmp_path / "e"))
    env.update(VNARCHIVE_BACKUP_1=str(tmp_path / "1"), VNARCHIVE_BACKUP_2="")

    def run(script, *args):
        return subprocess.run(
            [sys.executable, str(SCRIPTS / script), *args],
            env=env,
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )

    rendered = run("ctl.py", "render")
    assert rendered.returncode == 0, rendered.stderr
    assert (tmp_path / "e" / "zope-client1.ini").exists()
    assert "client1: stopped" in run("ctl.py", "status").stdout
    assert run("ctl.py", "nonsense").returncode == 1
    listed = run("backup.py", "list")
    assert listed.returncode == 0, listed.stderr
    assert f"set 1 ({tmp_path / '1'}): no backup yet" in listed.stdout
    assert run("backup.py", "verify", "--from", "1").returncode == 2
    assert "--from 1 or --from 2" in run("backup.py", "restore").stderr
