"""instance/etc: the configuration of the ZEO server and of each Zope client (and nginx's)."""

from . import nginx
from . import postgresql
from .settings import client_names
from .templates import render_template
from pathlib import Path


def render(conf):
    """Write ETC/zeo.conf (ZEO), ETC/zope-clientN.conf and .ini, ETC/nginx.conf (load
    balancer); make the directories of VAR they use."""
    etc, var = Path(conf["etc"]), Path(conf["var"])
    etc.mkdir(parents=True, exist_ok=True)
    zeo = conf["storage"] == "zeo"
    for sub in ("log", "cache", *(("filestorage", "blobstorage") if zeo else ())):
        (var / sub).mkdir(parents=True, exist_ok=True)
    values = dict(conf)
    if zeo:
        (var / "blobstorage").chmod(0o700)
        (etc / "zeo.conf").write_text(render_template("zeo.conf.in", values))
    else:
        # ZConfig reads `$name` as one of its own %define-s: a literal $ is written $$.
        values["pg_dsn_zconfig"] = postgresql.dsn(conf).replace("$", "$$")
    for offset, client in enumerate(client_names(conf)):
        values.update(client=client, http_port=conf["http_port"] + offset)
        (var / client).mkdir(exist_ok=True)
        for name in ("zope.conf", "zope.ini"):
            stem, suffix = name.split(".")
            text = render_template(f"{name}.in", values)
            (etc / f"{stem}-{client}.{suffix}").write_text(text)
    if conf["lb"]:
        nginx.render(conf)
