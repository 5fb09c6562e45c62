from conftest import *  # noqa
import requests, json, html, gzip

def show(label, r):
    print("=" * 10, label, r.status_code, r.url, r.headers.get("Content-Type"), len(r.content))
    print(r.text[:300].replace("\n", " ") if "json" in (r.headers.get("Content-Type") or "") else "")

def test_explore(functional_portal, functional_holdings):
    base = functional_portal.absolute_url()
    h = functional_holdings
    for code in (PUBLISHED_DOCUMENT, SECRET_DOCUMENT, CONDITIONAL_DOCUMENT, PROCESSING_DOCUMENT, PUBLISHED_DOSSIER, FONDS, SECRET_DOSSIER):
        o = h[code]
        print(code, o.absolute_url(), repr(o.Title()), getattr(o, "subject", None), o.portal_type)
    sec = h[SECRET_DOCUMENT].absolute_url()
    pub = h[PUBLISHED_DOCUMENT].absolute_url()
    for auth in (None, ("docgia", DEMO_PASSWORD), ("luutruvien", DEMO_PASSWORD)):
        print("##### AUTH", auth)
        for label, url, hdr in [
            ("page secret", sec, {}),
            ("page pub", pub, {}),
            ("rest secret", sec, {"Accept": "application/json"}),
            ("rest pub", pub, {"Accept": "application/json"}),
            ("++api++ secret", sec.replace(base, base + "/++api++"), {}),
            ("search", base + "/@search?SearchableText=b%C3%AD+m%E1%BA%ADt", {"Accept": "application/json"}),
            ("recfiles pub", pub + "/@record-files", {"Accept": "application/json"}),
            ("recfiles sec", sec + "/@record-files", {"Accept": "application/json"}),
            ("journal sec", sec + "/@journal", {"Accept": "application/json"}),
            ("journal page pub", pub + "/@@journal", {}),
            ("classic search", base + "/@@search?SearchableText=b%C3%AD+m%E1%BA%ADt", {}),
            ("updated_search", base + "/@@updated_search?SearchableText=b%C3%AD+m%E1%BA%ADt", {}),
            ("ajax-search", base + "/@@ajax-search?SearchableText=b%C3%AD+m%E1%BA%ADt", {}),
            ("search_rss", base + "/@@search_rss?SearchableText=b%C3%AD+m%E1%BA%ADt", {}),
            ("sitemap", base + "/sitemap.xml.gz", {}),
            ("root", base, {}),
            ("fonds", h[FONDS].absolute_url(), {}),
            ("fonds RSS", h[FONDS].absolute_url() + "/RSS", {}),
            ("fonds rss.xml", h[FONDS].absolute_url() + "/rss.xml", {}),
            ("root rss.xml", base + "/rss.xml", {}),
            ("root RSS", base + "/RSS", {}),
            ("root atom", base + "/atom.xml", {}),
            ("dossier", h[PUBLISHED_DOSSIER].absolute_url(), {}),
            ("file", pub + "/@@record-file/" + h[PUBLISHED_DOCUMENT].docId + ".png", {}),
        ]:
            r = requests.get(url, headers=hdr, auth=auth, timeout=30, allow_redirects=False)
            show(label, r)
            if r.status_code in (301, 302, 303):
                print("   location:", r.headers.get("Location"))
            body = r.content
            if body[:2] == b"\x1f\x8b":
                body = gzip.decompress(body)
            text = body.decode("utf-8", "replace")
            try:
                text = json.dumps(r.json(), ensure_ascii=False)
            except Exception:
                text = html.unescape(text)
            open(f"/tmp/explore/{auth[0] if auth else 'anon'}-{label.replace(' ', '_')}.txt", "w").write(text)
            for code in (SECRET_DOCUMENT, SECRET_DOSSIER, CONDITIONAL_DOCUMENT, PROCESSING_DOCUMENT):
                if code in text:
                    print("   !! contains", code)
            if "Chỉ thị mật" in text:
                print("   !! contains secret subject")
