"""The search benchmark's generated data: archival documents and queries, from a seed.

Used outside Zope by bench/search.py (documents straight to Solr, the queries) and inside
it by bench/search_site.py (records through Plone): the same words, issuers and places.
"""

import unicodedata
import uuid


SEED = 20261121
KINDS = ("word", "phrase", "folded", "facet", "years")


def _items(text):
    """The comma-separated items of `text`, each with its spaces collapsed."""
    return [" ".join(item.split()) for item in text.split(",") if item.strip()]


WORDS = _items(
    """
    lưu trữ, tài liệu, hồ sơ, báo cáo, tổng kết, kế hoạch, ngân sách, đất đai, xây dựng,
    giao thông, nông nghiệp, thủy lợi, giáo dục, y tế, văn hóa, du lịch, biên giới,
    quốc phòng, an ninh, tổ chức, cán bộ, bổ nhiệm, khen thưởng, kỷ luật, thanh tra,
    khiếu nại, tố cáo, dân số, lao động, việc làm, thương mại, công nghiệp, điện lực,
    bưu điện, ngân hàng, thuế, hải quan, môi trường, tài nguyên, khoáng sản, rừng, biển,
    đảo, thiên tai, bão lụt, hạn hán, cứu trợ, chính sách, dân tộc, tôn giáo, hợp tác,
    quốc tế, hữu nghị, đối ngoại, hội nghị, nghị quyết, chỉ thị, quy hoạch, đô thị,
    nông thôn, xóa đói, giảm nghèo, chuyển đổi số, số hóa, phát triển, kinh tế, xã hội,
    công tác, triển khai, thực hiện, tăng cường, quản lý, nhà nước, ủy ban, nhân dân,
    tỉnh, huyện, xã, phường, thị trấn, đường bộ, cầu cống, trường học, bệnh viện, chợ,
    điện nước, nhà ở, đền bù, giải phóng mặt bằng, đầu tư, dự án, vốn, kiểm tra,
    giám sát, đánh giá, thống kê, điều tra, báo chí, xuất bản, thư viện, bảo tàng,
    di tích, lễ hội, thể thao, thanh niên, phụ nữ, trẻ em, người cao tuổi,
    cựu chiến binh, liệt sĩ, thương binh, chính sách xã hội, bảo hiểm, tiền lương,
    biên chế, đào tạo, bồi dưỡng,
    """
)
PLACES = _items(
    """
    Quảng Trị, Đông Hà, Vĩnh Linh, Gio Linh, Cam Lộ, Triệu Phong, Hải Lăng, Hướng Hóa,
    Đakrông, Cồn Cỏ, Lao Bảo, Khe Sanh, Cửa Việt, Bình Trị Thiên, Huế, Đà Nẵng, Hà Nội,
    """
)
ISSUERS = _items(
    """
    Ủy ban nhân dân tỉnh Quảng Trị, Hội đồng nhân dân tỉnh Quảng Trị,
    Sở Nội vụ tỉnh Quảng Trị, Sở Tài chính tỉnh Quảng Trị, Sở Giao thông vận tải,
    Sở Nông nghiệp và Phát triển nông thôn, Sở Giáo dục và Đào tạo, Sở Y tế,
    Ủy ban nhân dân huyện Vĩnh Linh, Ủy ban nhân dân thị xã Đông Hà,
    Ủy ban nhân dân tỉnh Bình Trị Thiên, Ban Chỉ huy quân sự tỉnh,
    """
)
FILLER = _items(
    """
    về việc, theo, của, cho, trong, năm, các, những, đã, được, để, và, với, tại, trên,
    địa bàn, đề nghị, căn cứ, thực hiện, ý kiến, kết quả, nội dung, đồng chí, cơ quan,
    đơn vị,
    """
)
TYPES = ("01", "02", "03", "07", "08", "10", "14", "15", "20", "22")
TYPE_NAMES = {
    "01": "Nghị quyết",
    "02": "Quyết định",
    "03": "Chỉ thị",
    "07": "Thông báo",
    "08": "Hướng dẫn",
    "10": "Kế hoạch",
    "14": "Báo cáo",
    "15": "Tờ trình",
    "20": "Biên bản",
    "22": "Công văn",
}
FONDS = ("UBQT", "HDQT", "SNV", "STC", "SGT", "BTT")
STAFF = ["Manager", "Site Administrator", "Archivist", "ArchiveHead", "Appraiser"]


def fold(text):
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("đ", "d").replace("Đ", "D").lower()


def page_text(rng, words=260):
    """About a page of administrative Vietnamese."""
    out = []
    while len(out) < words:
        sentence = [rng.choice(FILLER), rng.choice(WORDS), rng.choice(FILLER)]
        sentence += [rng.choice(WORDS), rng.choice(FILLER), rng.choice(WORDS)]
        if rng.random() < 0.3:
            sentence += ["tỉnh", rng.choice(PLACES)]
        if rng.random() < 0.2:
            sentence += ["năm", str(rng.randint(1945, 2024))]
        out += " ".join(sentence).split()
        out[-1] += "."
    return " ".join(out)


def generated(number, rng, site_path):
    """Document `number` as collective.solr would index it (85 % public)."""
    year = rng.randint(1950, 2024)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    kind = rng.choice(TYPES)
    subject = f"{rng.choice(WORDS)} {rng.choice(WORDS)} tại {rng.choice(PLACES)}"
    title = f"{number}/{kind}-UBND: {TYPE_NAMES[kind]} về {subject} năm {year}"
    fonds = rng.choice(FONDS)
    code = f"000.00.00.H56.{year}.{number % 97:02d}.BM.{number:07d}"
    text = page_text(rng)
    issuer = rng.choice(ISSUERS)
    public = rng.random() < 0.85
    folder = f"{site_path}/bench/{fonds.lower()}"
    path = f"{folder}/doc-{number}"
    stamp = f"{year}-{month:02d}-{day:02d}T00:00:00Z"
    date = year * 10000 + month * 100 + day
    return {
        "UID": uuid.UUID(int=rng.getrandbits(128)).hex,
        "id": f"doc-{number}",
        "getId": f"doc-{number}",
        "portal_type": "ArchivalDocument",
        "Type": "Tài liệu",
        "review_state": "published" if public else "archived",
        "allowedRolesAndUsers": ["Anonymous"] if public else STAFF,
        "path_string": path,
        "path_parents": [site_path, f"{site_path}/bench", folder, path],
        "path_depth": 4,
        "created": stamp,
        "modified": stamp,
        "effective": "2020-01-01T00:00:00Z",
        "expires": "2499-12-31T00:00:00Z",
        "Title": title,
        "sortable_title": title.lower()[:40],
        "Description": subject,
        "SearchableText": f"{title} {code} {subject} {issuer} {text}",
        "page_1": text,
        "page_count": 1,
        "archival_code": code,
        "archival_codes": [code],
        "fonds_code": fonds,
        "document_type": kind,
        "issuer": issuer,
        "access_mode": "01" if public else rng.choice(("02", "03")),
        "retention": rng.choice(("01", "02", "04", "06")),
        "reliability": "02",
        "record_language": ["01"],
        "date_start": date,
        "date_end": date,
    }


def record_fields(number, rng):
    """The fields of record `number` as vnarchive's REST API takes them."""
    year = rng.randint(1950, 2024)
    kind = rng.choice(TYPES)
    return {
        "typeName": kind,
        "codeNumber": str(number),
        "codeNotation": f"{kind}-UBND",
        "issuedDate": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}",
        "organName": rng.choice(ISSUERS),
        "subjectText": f"{TYPE_NAMES[kind]} về {rng.choice(WORDS)} {rng.choice(WORDS)} "
        f"tại {rng.choice(PLACES)} năm {year}",
        "languageCode": ["01"],
        "numberOfPage": 1,
        "maintenance": rng.choice(("01", "02", "04", "06")),
        "mode": "01",
        "confidenceLevel": "02",
    }


def queries(rng, count):
    """`count` different queries of each kind, as @archive-search parameters."""
    found = {kind: [] for kind in KINDS}
    for _ in range(count):
        word = rng.choice(WORDS)
        found["word"].append({"q": word})
        phrase = f"{TYPE_NAMES[rng.choice(TYPES)].lower()} về {rng.choice(WORDS)}"
        found["phrase"].append({"q": f'"{phrase}"'})
        found["folded"].append({"q": fold(f"{rng.choice(WORDS)} {rng.choice(WORDS)}")})
        found["facet"].append(
            {"q": rng.choice(WORDS), "document_type": rng.choice(TYPES)}
        )
        first = rng.randint(1950, 2015)
        found["years"].append(
            {"q": rng.choice(WORDS), "year_from": str(first), "year_to": str(first + 9)}
        )
    return found
