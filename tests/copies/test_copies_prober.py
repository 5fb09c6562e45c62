"""The generic prober over the new endpoints, as Anonymous, the reader docgia and the
curator bientap: @copies and @@issue-copy on a secret record answer exactly what they
answer under a name that does not exist; @@verify and @verify on the site root, asked
about a copy of a record since made secret, answer exactly what they answer about a copy
of a record that no longer exists (numbers swapped), and show nothing of the record."""

from copy_records import CURATOR
from copy_records import issued_copy
from copy_records import make_secret
from copy_records import MARKER
from copy_records import published_record
from copy_records import READER
from helpers import SECRET_DOCUMENT
from prober import Channel
from prober import channels_for
from prober import Prober
from prober import Target
from prober import Visitor
from vnarchive.content.indexers import main_code
from vnarchive.digitization.copies import register

import requests
import transaction


MISSING_UID = "0" * 32


def test_the_prober_finds_no_leak_in_copies(site, record, functional_holdings):
    # A copy of `record`, which is then made secret; a copy of another record, which is
    # then gone (its entry names a UID that nothing has).
    secret_copy = issued_copy(site, record)
    other = published_record(site, functional_holdings, "Công văn số 46 zqkhac")
    gone_copy = issued_copy(site, other)
    transaction.begin()
    register.get_entry(site, gone_copy).record_uid = MISSING_UID
    transaction.commit()
    markers = (
        MARKER,
        record.Title(),
        main_code(record),
        record.UID(),
        "/".join(record.getPhysicalPath()),
    )
    make_secret(site, record)

    # Both copies are genuine: the answers compared are about copies that exist.
    for number in (secret_copy, gone_copy):
        answer = requests.get(f"{site.absolute_url()}/@@verify/{number}", timeout=60)
        assert 'data-verdict="genuine"' in answer.text

    secret = functional_holdings[SECRET_DOCUMENT]
    url = secret.absolute_url()
    on_records = [
        Channel("service", "@copies"),
        Channel("service", "@copies", "POST"),
        Channel("view", "@@issue-copy"),
        Channel("view", "@@issue-copy", "POST"),
    ]
    on_root = [
        Channel("view", "@@verify"),
        Channel("view", "@@verify", "POST"),
        Channel("service", "@verify"),
        Channel("service", "@verify", "POST"),
    ]
    # The prober's own enumeration offers them (views by GET; their form is posted
    # too): nothing lists them for the guard.
    offered = [channel for channel in on_records + on_root if channel.method == "GET"]
    offered += [
        channel for channel in on_records + on_root if channel.kind == "service"
    ]
    assert set(offered) <= set(channels_for(secret)) | set(channels_for(site))
    secret_markers = (secret.Title(), SECRET_DOCUMENT, secret.UID())
    root = site.absolute_url()
    prober = Prober(
        [Visitor("anonymous"), Visitor("reader", READER), Visitor("curator", CURATOR)],
        workers=2,
    )
    report = prober.probe(
        [
            (
                Target("secret", url, markers=secret_markers),
                Target("missing", f"{url.rsplit('/', 1)[0]}/9999"),
                on_records,
                secret_markers,
            ),
            (
                Target(
                    "copy of a secret record", root, markers, {"number": secret_copy}
                ),
                Target("copy of a gone record", root, params={"number": gone_copy}),
                on_root,
                markers,
            ),
        ]
    )
    print(report.summary())
    # two questions (target, twin) per channel and visitor, and the pages warmed up
    assert report.probes >= 2 * 3 * (len(on_records) + len(on_root))
    assert report.failures == set()
    assert [str(leak) for leak in report.leaks] == []
