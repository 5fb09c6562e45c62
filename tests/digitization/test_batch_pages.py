"""The batch pages speak to people: state labels, local times, links to the records
they made (only those the user may see), the way in from the menu, a manifest template."""

from helpers import as_user
from helpers import PROCESSING_DOCUMENT
from helpers import SECRET_DOCUMENT
from helpers import USERS
from plone import api
from vnarchive.digitization import batches as model
from vnarchive.digitization.browser import views
from vnarchive.digitization.manifest import read_manifest

import pytest


@pytest.fixture
def batch(portal, holdings):
    made = model.add_batch(portal, "folder", "/srv/import/lo-01", USERS["Archivist"])
    made.created = "2026-11-21T07:00:00+00:00"
    made.state = model.DONE
    seen = made.add_document("1", "Công văn đã nhập", 1)
    seen.uid = holdings[PROCESSING_DOCUMENT].UID()
    seen.state = model.DOC_BUILT
    gone = made.add_document("2", "Tài liệu đã xóa", 2)
    gone.uid = "0" * 32  # deleted since
    gone.state = model.DOC_BUILT
    pending = made.add_document("3", "Chưa nhập", 3)
    pending.state = model.DOC_PENDING
    return made


def batch_page(portal, made):
    view = portal.restrictedTraverse("@@batches")
    view.params = [made.id]
    return view()


def test_batch_page_labels_times_and_links(portal, batch, holdings):
    as_user(portal, USERS["Archivist"])
    html = batch_page(portal, batch)
    assert "21/11/2026 14:00" in html  # 07:00 UTC in Asia/Ho_Chi_Minh
    assert ">built<" not in html
    assert "Đã có PDF/A" in html
    assert "Chờ nhập" in html
    record = holdings[PROCESSING_DOCUMENT]
    assert f'href="{record.absolute_url()}"' in html
    # A record that is gone, or that the user may not see, is named, not linked.
    assert "Tài liệu đã xóa" in html
    assert 'href="None"' not in html
    document = {"uid": record.UID(), "path": "/".join(record.getPhysicalPath())}
    assert views.record_url(document) == record.absolute_url()
    as_user(portal, USERS["ArchiveReader"])
    assert views.record_url(document) is None
    assert views.record_url({"uid": holdings[SECRET_DOCUMENT].UID()}) is None


def test_batch_list_shows_local_times_and_labels(portal, batch):
    as_user(portal, USERS["Archivist"])
    html = portal.restrictedTraverse("@@batches")()
    assert "21/11/2026 14:00" in html
    assert "(UTC)" not in html
    assert "Xong" in html


@pytest.mark.parametrize(
    ("state", "label"),
    [
        ("failed", "Thất bại"),
        ("done_with_problems", "Xong, có tài liệu hoặc trang lỗi"),
        ("validated", "Hợp lệ (chỉ kiểm tra)"),
    ],
)
def test_every_batch_state_has_a_label(portal, state, label):
    assert views.state_label(state, portal.REQUEST) == label


def test_menu_leads_staff_to_batches_and_import(portal, holdings):
    actions = api.portal.get_tool("portal_actions")
    as_user(portal, USERS["Archivist"])
    user = {a["id"]: a["url"] for a in actions.listFilteredActionsFor(portal)["user"]}
    assert user["vnarchive-batches"].endswith("/@@batches")
    assert user["vnarchive-import-batch"].endswith("/@@import-batch")
    as_user(portal, USERS["ArchiveReader"])
    user = {a["id"] for a in actions.listFilteredActionsFor(portal)["user"]}
    assert "vnarchive-batches" not in user


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_manifest_template_reads_back_without_problems(portal, holdings, tmp_path, fmt):
    as_user(portal, USERS["Archivist"])
    portal.REQUEST.form["format"] = fmt
    body = portal.restrictedTraverse("@@manifest-template")()
    path = tmp_path / f"manifest.{fmt}"
    path.write_bytes(body)
    manifest = read_manifest(path)
    assert not manifest.problems, manifest.problems
    (row,) = manifest.rows
    assert row.dossier == "000.00.00.H56.2024.02.KH"
    assert row.files == ["scans/qd-215-trang-1.tif", "scans/qd-215-trang-2.tif"]
    assert row.fields["codeNotation"] == "QĐ-UBND"
    assert row.fields["maintenance"] == "01"


def test_import_page_links_the_templates(portal, holdings):
    as_user(portal, USERS["Archivist"])
    html = portal.restrictedTraverse("@@import-batch")()
    assert "@@manifest-template?format=xlsx" in html
    assert "@@manifest-template" in html
