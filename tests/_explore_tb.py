from conftest import *  # noqa
import requests, html
def test_tb(functional_portal, functional_holdings):
    d = functional_holdings[PUBLISHED_DOSSIER].absolute_url()
    f = functional_holdings[FONDS].absolute_url()
    for auth in (None, ("luutruvien", DEMO_PASSWORD)):
        for suffix in ["tabular_view", "listing_view", "summary_view", "album_view", "full_view", "event_listing", "folder_listing"]:
            r = requests.get(d + "/" + suffix, auth=auth, timeout=30, allow_redirects=False)
            t = html.unescape(r.text)
            print(auth and auth[0], suffix, r.status_code, "PUB" if "Báo cáo tổng kết tình hình" in t else "", "COND" if "Biên bản hội nghị" in t else "")
        for suffix in ["@contextnavigation", "@breadcrumbs", "@workflow", "@history", "@actions", "@types"]:
            r = requests.get(d + "/" + suffix, auth=auth, timeout=30, allow_redirects=False, headers={"Accept": "application/json"})
            print(auth and auth[0], suffix, r.status_code, r.text[:150].replace("\n"," "))
        r = requests.get(f + "/@contextnavigation", auth=auth, timeout=30, allow_redirects=False, headers={"Accept": "application/json"})
        print(r.text[:1500])
