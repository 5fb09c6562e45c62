"""Demo holdings: one provincial fonds, dossiers and records in every access situation.

The data lives in the project's profiles/demo/holdings.json; `make start` loads it once,
when the site is created. Records are created, then moved through the real workflow, so
the demo obeys the same guards as people do.
"""

from plone import api
from vnarchive.policy.files import add_master_file
from vnarchive.policy.records import create_record

import io
import json
import os


TRANSITIONS_TO = {
    "processing": (),
    "archived": ("archive",),
    "published": ("archive", "publish"),
    "review_destruction": ("archive", "propose_destruction"),
    "transferred": ("archive", "transfer"),
}
DEMO_PASSWORD = os.environ.get("VNARCHIVE_DEMO_PASSWORD", "vnarchive-demo")


def _scan(text):
    """A small page image standing for a scan, so that files and downloads can be tried."""
    from PIL import Image
    from PIL import ImageDraw

    image = Image.new("L", (1240, 1754), 255)
    ImageDraw.Draw(image).text((120, 160), text, fill=0)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(150, 150))
    return out.getvalue()


def _create(container, type_name, item):
    obj = create_record(container, type_name, item["fields"])
    if item.get("scan"):
        # A stand-in for a scan (150 dpi, a line of text): files and downloads can be
        # tried. It is not sent for OCR: too coarse to be read, it would only leave a
        # failed batch in every new site.
        add_master_file(
            obj, f"{obj.docId}.png", _scan(obj.docId), "image/png", process=False
        )
    return obj


def _move_to(obj, state):
    for transition in TRANSITIONS_TO[state]:
        api.content.transition(obj=obj, transition=transition, comment="Dữ liệu mẫu")


def load_users(users):
    for user in users:
        if api.user.get(userid=user["id"]) is None:
            api.user.create(
                email=user["email"],
                username=user["id"],
                password=DEMO_PASSWORD,
                properties={"fullname": user["fullname"]},
            )
        api.group.add_user(groupname=user["group"], username=user["id"])


def load(site, path):
    """Create the demo holdings of `path` in `site`; returns the records created."""
    with open(path, encoding="utf-8") as stream:
        data = json.load(stream)
    load_users(data.get("users", []))
    # Containers first: a record is published only inside a published dossier and fonds.
    created = []
    for fonds_item in data["fonds"]:
        fonds = _create(site, "Fonds", fonds_item)
        created.append((fonds, fonds_item["state"]))
        for dossier_item in fonds_item["dossiers"]:
            dossier = _create(fonds, "Dossier", dossier_item)
            created.append((dossier, dossier_item["state"]))
            for record_item in dossier_item["records"]:
                record = _create(dossier, record_item["type"], record_item)
                created.append((record, record_item["state"]))
    for obj, state in created:
        _move_to(obj, state)
    return [obj for obj, _state in created]
