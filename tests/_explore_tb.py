from conftest import *  # noqa
import requests, re
def test_tb(functional_portal, functional_holdings):
    for auth in (None, ("luutruvien", DEMO_PASSWORD)):
        r = requests.get(functional_holdings[PUBLISHED_DOSSIER].absolute_url(), auth=auth, timeout=30)
        m = re.search(r'<section class="vnarchive-children.*?</section>', r.text, re.S)
        print(r.status_code, m.group(0) if m else r.text[-3000:])
