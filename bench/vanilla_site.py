"""The vanilla Plone site the web benchmark compares vnarchive with, in the same Zope.

Run by bench/web.py as `zconsole run <etc>/zope-client1.conf bench/vanilla_site.py` while
client1 serves the instance (`app` is the Zope root). It:

- finds our published demo document (archival code BENCH_DOCUMENT) and measures, over HTTP
  as Anonymous, its page, its REST answer (++api++) and the number of hits of the search term
  BENCH_TERM;
- creates once the Plone site `vanilla`: classic distribution, same default language and time
  zone as ours, no vnarchive profile; only plone.restapi's profile is applied, because the
  classic distribution does not give Anonymous "plone.restapi: Use REST API" without it;
- adds published Documents: `page`, whose page is about as large as our document page, and
  `page-rest`, whose ++api++ answer is about as large as ours (so that each comparison is
  with a vanilla answer of the same size); and a folder of filler Documents (out of the
  navigation) so that both catalogs hold about as many objects, as many of which contain the
  search term as our site answers Anonymous for it;
- prints one JSON line (prefixed `BENCH `) with the paths, sizes and counts for bench/web.py.

Settings from the environment: BENCH_BASE (http://host:port of client1), BENCH_DOCUMENT,
BENCH_TERM, VNARCHIVE_SITE_ID [vnarchive].
"""

from AccessControl.SecurityManagement import newSecurityManager
from zope.component.hooks import setSite

import json
import os
import time
import transaction
import urllib.parse
import urllib.request


BASE = os.environ["BENCH_BASE"].rstrip("/")
OURS = os.environ.get("VNARCHIVE_SITE_ID", "vnarchive")
DOCUMENT = os.environ.get("BENCH_DOCUMENT", "000.00.00.H56.2010.01.TH.0000001")
TERM = os.environ.get("BENCH_TERM", "tổng kết")
VANILLA = "vanilla"
THEME_BLACKLIST = "plone.app.theming.interfaces.IThemeSettings.hostnameBlacklist"

# Words of the generated text: Vietnamese, none of them a word of the search term.
_TEXT = (
    "ủy ban nhân dân tỉnh quảng trị văn phòng công tác năm báo cáo tình hình kinh tế xã hội "
    "nhiệm vụ quyết định khen thưởng cá nhân tập thể thành tích xuất sắc phong trào thi đua "
    "hội nghị cán bộ chủ chốt đánh giá kết quả thực hiện kế hoạch phát triển giai đoạn mới "
    "lưu trữ lịch sử hồ sơ tài liệu giấy bản gốc chính xác đầy đủ tra cứu độc giả phục vụ"
)
WORDS = _TEXT.split()


def make_text(size, exclude=()):
    """Paragraphs of Vietnamese words, about `size` bytes of UTF-8 HTML."""
    words = [word for word in WORDS if word not in exclude]
    paragraphs, total, index = [], 0, 0
    while total < size:
        paragraph = " ".join(words[(index + i * 7) % len(words)] for i in range(60))
        paragraph = f"<p>{paragraph.capitalize()}.</p>"
        paragraphs.append(paragraph)
        total += len(paragraph.encode()) + 1
        index += 1
    text = "\n".join(paragraphs)
    encoded = text.encode()[: max(size, 0)]
    text = encoded.decode(errors="ignore")
    return text if text.endswith("</p>") else text.rsplit(" ", 1)[0] + "</p>"


def fetch(path, retries=20):
    url = path if path.startswith("http") else f"{BASE}{path}"
    for _attempt in range(retries):
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                return response.read()
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"no answer from {url}")


def fetch_settled(path):
    """The answer once two fetches agree (the client may see a commit a moment late)."""
    previous = fetch(path)
    for _attempt in range(10):
        time.sleep(0.3)
        current = fetch(path)
        if len(current) == len(previous):
            return current
        previous = current
    return previous


def search_path(site_id):
    query = urllib.parse.urlencode({"SearchableText": TERM})
    return f"/{site_id}/++api++/@search?{query}"


def rich_text(html):
    from plone.app.textfield.value import RichTextValue

    return RichTextValue(html, "text/html", "text/x-html-safe")


def ensure_document(container, id_, title, text, exclude_from_nav=False):
    from plone import api

    if id_ in container.objectIds():
        document = container[id_]
        document.text = rich_text(text)
        document.reindexObject()
        return document
    document = api.content.create(
        container=container,
        type="Document",
        id=id_,
        title=title,
        text=rich_text(text),
        exclude_from_nav=exclude_from_nav,
    )
    api.content.transition(obj=document, transition="publish")
    return document


def match_size(container, id_, title, target, measure, exclude_from_nav=False):
    """Set the text of Document `id_` so that `measure(path)` is about `target` bytes."""
    exclude = set(TERM.lower().split())
    path = "/".join((*container.getPhysicalPath(), id_))
    points = []
    length = max(target // 2, 100)
    for _attempt in range(6):
        ensure_document(
            container, id_, title, make_text(length, exclude), exclude_from_nav
        )
        transaction.commit()
        size = measure(path)
        points.append((length, size))
        if abs(size - target) <= max(100, target // 100):
            break
        if len(points) >= 2 and points[-1][0] != points[-2][0]:
            (l0, s0), (l1, s1) = points[-2], points[-1]
            slope = (s1 - s0) / (l1 - l0) or 1
        else:
            slope = 1
        length = max(int(length + (target - size) / slope), 0)
    return path, size


def main(app):
    admin = app.acl_users.getUserById("admin").__of__(app.acl_users)
    newSecurityManager(None, admin)

    ours = app[OURS]
    setSite(ours)
    catalog = ours.portal_catalog
    brains = catalog.unrestrictedSearchResults(archival_code=DOCUMENT)
    if not brains:
        raise SystemExit(f"no record {DOCUMENT} in {OURS}")
    page_path = brains[0].getPath()
    our_objects = len(catalog)
    our_page = len(fetch(page_path))
    our_rest = len(fetch(f"/{OURS}/++api++{page_path[len(OURS) + 1 :]}"))
    our_hits = json.loads(fetch(search_path(OURS)))["items_total"]
    language = ours.portal_registry["plone.default_language"]
    setSite(None)

    if VANILLA not in app.objectIds():
        from plone.base.utils import get_installer
        from Products.CMFPlone.factory import addPloneSite

        site = addPloneSite(
            app,
            VANILLA,
            title="Vanilla Plone",
            distribution_name="classic",
            default_language=language,
            portal_timezone="Asia/Ho_Chi_Minh",
            setup_content=False,
        )
        setSite(site)
        get_installer(site).install_product("plone.restapi")
        # Plone leaves pages reached as 127.0.0.1 unthemed; a site reached by its name is
        # themed, and so is ours on any host: theme this one on 127.0.0.1 too, or the
        # comparison would be with a page that skips the Diazo transform.
        site.portal_registry[THEME_BLACKLIST] = []
        transaction.commit()
    site = app[VANILLA]
    setSite(site)

    from plone import api

    # Fillers: as many catalogued objects as ours, `our_hits` of them with the term.
    if "filler" not in site.objectIds():
        folder = api.content.create(
            container=site,
            type="Folder",
            id="filler",
            title="Filler",
            exclude_from_nav=True,
        )
        api.content.transition(obj=folder, transition="publish")
        exclude = set(TERM.lower().split())
        for number in range(max(our_objects - 5, our_hits)):
            text = make_text(1500, exclude)
            if number < our_hits:
                text = f"<p>{TERM} {number}</p>\n{text}"
            ensure_document(folder, f"doc-{number}", f"Tài liệu {number}", text)
        transaction.commit()

    # The pages two folders down, as our document is in a dossier in a fonds: the same
    # breadcrumbs, navigation tree and portlet work as for ours.
    if "section" not in site.objectIds():
        section = api.content.create(
            container=site, type="Folder", id="section", title="Phông mẫu"
        )
        api.content.transition(obj=section, transition="publish")
        folder = api.content.create(
            container=section, type="Folder", id="folder", title="Hồ sơ mẫu"
        )
        api.content.transition(obj=folder, transition="publish")
        transaction.commit()
    folder = site["section"]["folder"]
    page, vanilla_page = match_size(
        folder, "page", "Trang mẫu", our_page, lambda path: len(fetch_settled(path))
    )
    page_rest, vanilla_rest = match_size(
        folder,
        "page-rest",
        "Trang mẫu REST",
        our_rest,
        lambda path: len(
            fetch_settled(f"/{VANILLA}/++api++{path[len(VANILLA) + 1 :]}")
        ),
        exclude_from_nav=True,
    )
    vanilla_hits = json.loads(fetch_settled(search_path(VANILLA)))["items_total"]
    result = {
        "ours": {
            "page": page_path,
            "rest": f"/{OURS}/++api++{page_path[len(OURS) + 1 :]}",
            "search": search_path(OURS),
            "page_bytes": our_page,
            "rest_bytes": our_rest,
            "hits": our_hits,
            "objects": our_objects,
        },
        "vanilla": {
            "page": page,
            "rest": f"/{VANILLA}/++api++{page_rest[len(VANILLA) + 1 :]}",
            "search": search_path(VANILLA),
            "page_bytes": vanilla_page,
            "rest_bytes": vanilla_rest,
            "hits": vanilla_hits,
            "objects": len(site.portal_catalog),
        },
    }
    print("BENCH " + json.dumps(result))


main(app)  # noqa: F821 - zconsole provides `app`
