"""What people type into the search box, made into what the indexes hold (no Zope here).

- `normalize_query(q)`: NFC (decomposed input from some keyboards and PDFs becomes the
  composed letters the indexes hold), control characters out, whitespace collapsed.
- `fold(text)`: Vietnamese folding, the catalog's and Solr's folded field's view of a word:
  marks removed, đ/Đ → d, lower case ("LƯU TRỮ" → "luu tru").
- `decode_token(token)`: a word typed with the Vietnamese input method switched off, in Telex
  ("luwu", "truwx", "Vieejt") or VNI ("Vie6t5", "lu7u"), made into the syllable meant
  ("lưu", "trữ", "Việt"); None when the token is not such residue or does not decode to a
  valid Vietnamese syllable. Ordinary English and French words are left alone.
- `query_variants(q)`: the forms to search, OR'ed: the normalised query, then the decoded one
  when some of its words decode.
- `is_vietnamese_syllable(word)`: the syllable check the decoder relies on.
"""

import re
import unicodedata


# -- Normalisation and folding ---------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile(r"\s+")
_MARKS = re.compile(r"[\u0300-\u036f]")


def normalize_query(text):
    """NFC, without control characters, whitespace collapsed and stripped."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    text = _CONTROL.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def fold(text):
    """Vietnamese folding: no marks, đ → d, lower case, NFC ("Đường Lưu" → "duong luu")."""
    if not text:
        return ""
    text = unicodedata.normalize("NFD", str(text))
    text = _MARKS.sub("", text).replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFC", text).lower()


# -- Vietnamese syllables --------------------------------------------------------------------

INITIALS = (
    "ngh",
    "ch",
    "gh",
    "gi",
    "kh",
    "ng",
    "nh",
    "ph",
    "qu",
    "th",
    "tr",
    "b",
    "c",
    "d",
    "đ",
    "g",
    "h",
    "k",
    "l",
    "m",
    "n",
    "r",
    "s",
    "t",
    "v",
    "x",
    "",
)
FINALS = ("ng", "nh", "ch", "c", "m", "n", "p", "t", "")
STOP_FINALS = ("c", "ch", "p", "t")
# Vowel groups (without tone) with the finals they take: "open" = none or any nasal/stop,
# "none" = no final consonant, "closed" = a final consonant is required.
_OPEN, _NONE, _CLOSED = "open", "none", "closed"
NUCLEI = {
    "a": _OPEN,
    "ă": _CLOSED,
    "â": _CLOSED,
    "e": _OPEN,
    "ê": _OPEN,
    "i": _OPEN,
    "o": _OPEN,
    "ô": _OPEN,
    "ơ": _OPEN,
    "u": _OPEN,
    "ư": _OPEN,
    "y": _OPEN,
    "ai": _NONE,
    "ao": _NONE,
    "au": _NONE,
    "ay": _NONE,
    "âu": _NONE,
    "ây": _NONE,
    "eo": _NONE,
    "êu": _NONE,
    "ia": _NONE,
    "iê": _CLOSED,
    "iu": _NONE,
    "oa": _OPEN,
    "oă": _CLOSED,
    "oe": _OPEN,
    "oi": _NONE,
    "oo": _CLOSED,
    "ôi": _NONE,
    "ơi": _NONE,
    "ua": _NONE,
    "uâ": _CLOSED,
    "uê": _OPEN,
    "ui": _NONE,
    "uô": _CLOSED,
    "uơ": _NONE,
    "uy": _OPEN,
    "ưa": _NONE,
    "ưi": _NONE,
    "ươ": _CLOSED,
    "ưu": _NONE,
    "yê": _CLOSED,
    "iêu": _NONE,
    "oai": _NONE,
    "oay": _NONE,
    "oeo": _NONE,
    "uây": _NONE,
    "uôi": _NONE,
    "uya": _NONE,
    "uyê": _CLOSED,
    "uyu": _NONE,
    "ươi": _NONE,
    "ươu": _NONE,
    "yêu": _NONE,
}
VOWELS = set("aăâeêioôơuưy")
MODIFIED = set("ăâêôơư")
# Tones: index into the composed forms below (0 = level).
LEVEL, ACUTE, GRAVE, HOOK, TILDE, DOT = range(6)
_TONE_MARKS = {
    ACUTE: "\u0301",
    GRAVE: "\u0300",
    HOOK: "\u0309",
    TILDE: "\u0303",
    DOT: "\u0323",
}
_MARK_TONES = {mark: tone for tone, mark in _TONE_MARKS.items()}


def _split_tone(word):
    """(word without its tone mark, tone) of a lower-case NFC word."""
    tone = LEVEL
    letters = []
    for char in unicodedata.normalize("NFD", word):
        if char in _MARK_TONES:
            tone = _MARK_TONES[char]
        else:
            letters.append(char)
    return unicodedata.normalize("NFC", "".join(letters)), tone


def _parse(base):
    """(initial, nucleus, final) of a toneless lower-case syllable, or None."""
    for initial in INITIALS:
        if not base.startswith(initial):
            continue
        rest = base[len(initial) :]
        # "gi" and "qu" take the vowel after them as part of the initial only when
        # another vowel follows ("gia", "quá"); "gì", "gin" keep the i as the nucleus.
        if initial == "gi" and (not rest or rest[0] not in VOWELS):
            continue
        for final in FINALS:
            if final and not rest.endswith(final):
                continue
            nucleus = rest[: len(rest) - len(final)] if final else rest
            kind = NUCLEI.get(nucleus)
            if kind is None:
                continue
            if kind == _NONE and final:
                continue
            if kind == _CLOSED and not final:
                continue
            return initial, nucleus, final
    return None


def _spelling_ok(initial, nucleus, final, tone):
    if initial == "g" and nucleus == "i":
        return final not in STOP_FINALS or tone in (ACUTE, DOT)  # "gì", "gìn"
    front = nucleus[0] in "eêiy"
    if initial in ("c", "g", "ng") and front and nucleus not in ("ia", "iê", "iu"):
        return False  # k, gh, ngh are written before e, ê, i
    if initial in ("k", "gh", "ngh") and not front:
        return False
    if initial in ("c", "g", "ng") and nucleus in ("ia", "iê", "iu"):
        return False
    if initial == "qu" and nucleus[0] in "uo":
        return False
    if final in STOP_FINALS and tone not in (ACUTE, DOT):
        return False  # a syllable ending in c, ch, p, t has the sắc or nặng tone
    # ch and nh follow only a, ê, i, y, oa, uê, uy ("anh", "ếch", "xích", "huỳnh").
    return final not in ("ch", "nh") or nucleus in (
        "a",
        "ê",
        "i",
        "y",
        "oa",
        "uê",
        "uy",
    )


def is_vietnamese_syllable(word):
    """True when `word` (any case, NFC or NFD) is a well-formed Vietnamese syllable."""
    word = unicodedata.normalize("NFC", word).lower()
    if not word or not word.isalpha():
        return False
    base, tone = _split_tone(word)
    parsed = _parse(base)
    return parsed is not None and _spelling_ok(*parsed, tone)


def _tone_position(nucleus, final):
    """Index in `nucleus` of the vowel that carries the tone (the classic placement:
    "hòa", "thủy", "trường", "quốc")."""
    for index in range(len(nucleus) - 1, -1, -1):
        if nucleus[index] in MODIFIED:
            return index
    if len(nucleus) == 3:
        return 1
    if len(nucleus) == 2:
        return 1 if final else 0
    return 0


def _place_tone(initial, nucleus, final, tone):
    if tone != LEVEL:
        index = _tone_position(nucleus, final)
        vowel = unicodedata.normalize("NFD", nucleus[index]) + _TONE_MARKS[tone]
        nucleus = (
            nucleus[:index] + unicodedata.normalize("NFC", vowel) + nucleus[index + 1 :]
        )
    return initial + nucleus + final


# -- Telex and VNI residue -------------------------------------------------------------------

_TELEX_TONES = {"s": ACUTE, "f": GRAVE, "r": HOOK, "x": TILDE, "j": DOT}
_VNI_TONES = {"1": ACUTE, "2": GRAVE, "3": HOOK, "4": TILDE, "5": DOT}
_TELEX_LETTERS = (
    ("uow", "ươ"),
    ("uwow", "ươ"),
    ("uwo", "ươ"),
    ("aa", "â"),
    ("aw", "ă"),
    ("ee", "ê"),
    ("oo", "ô"),
    ("ow", "ơ"),
    ("uw", "ư"),
    ("dd", "đ"),
)
_VNI_LETTERS = (
    ("u7o7", "ươ"),
    ("uo7", "ươ"),
    ("a6", "â"),
    ("a8", "ă"),
    ("e6", "ê"),
    ("o6", "ô"),
    ("o7", "ơ"),
    ("u7", "ư"),
    ("d9", "đ"),
)
_TELEX_TOKEN = re.compile(r"^[a-z]+$")
_VNI_TOKEN = re.compile(r"^[a-z][a-z0-9]*[0-9][a-z0-9]*$")
# Letter pairs that alone show Telex (the English and French words with ee or oo that read
# as a Vietnamese syllable are in FOREIGN_WORDS).
_STRONG_PAIRS = ("uw", "dd", "aa", "ee", "oo")
# Pairs English has too ("now", "law", "town"): they count, but one is not enough.
_WEAK_PAIRS = ("ow", "aw")
# Tone keys: j, f, z never end or split an English word the way they end a Telex one;
# s, r, x do ("cats", "her", "box", "test").
_STRONG_TONES = "jfz"

# Common English and French words that read as Telex for a Vietnamese syllable
# ("been" → "bên", "mais" → "mái", "chef" → "chè"): decoded only in company, like the
# weak tokens ("hoof sow" → "hồ sơ").
FOREIGN_WORDS = frozenset(
    """
    as is has was his her hers if of or off ifs its us yes so
    been seen see bee tree free three too moon soon noon door floor poor boor
    teen keen queen room boom doom loom tee lee dee boo moo
    how now low row tow bow cow sow vow mow know show
    cheer deer beer peer seer leer chef ref
    law saw raw jaw paw cows rows bows laws jaws saws vows tows lows
    les des mes tes ses ces dans mais sur sous est ans pas vers
    hors lors tous gens ils elles nos vos leurs fois mois jours
    sans avec chez donc car ou aux
    """.split()  # noqa: SIM905
)


def _apply(text, table):
    for source, target in table:
        text = text.replace(source, target)
    return text


def _telex(lower):
    """(letters, tone, strength) of a lower-case Telex token, or None. Strength: 2 when
    the token cannot be English or French, 1 when it only might be Telex."""
    first_vowel = next((i for i, c in enumerate(lower) if c in "aeiouy"), None)
    if first_vowel is None:
        return None
    tone, key, letters = LEVEL, None, lower
    # The tone key: the last of s f r x j z after the first vowel, followed by nothing
    # but final consonants ("truwx", "Vieejt").
    for index in range(len(lower) - 1, first_vowel, -1):
        char = lower[index]
        rest = lower[index + 1 :]
        if rest and not all(c in "cghmnpt" for c in rest):
            break
        if char in _TELEX_TONES or char == "z":
            tone, key = _TELEX_TONES.get(char, LEVEL), char
            letters = lower[:index] + rest
            break
    signs = [pair for pair in _STRONG_PAIRS + _WEAK_PAIRS if pair in letters]
    if key:
        signs.append(key)
    if not signs:
        return None
    strong = any(s in _STRONG_PAIRS or s in _STRONG_TONES for s in signs)
    letters = _apply(letters, _TELEX_LETTERS)
    # A w left over ("we", "with", "tw") is English, never the ư shortcut.
    if re.search(r"[fjwz]", letters):
        return None
    if lower in FOREIGN_WORDS:
        strong, signs = False, signs[:1]
    return letters, tone, 2 if strong or len(signs) > 1 else 1


def _vni(lower):
    tone = LEVEL
    letters = _apply(lower, _VNI_LETTERS)
    for digit, value in _VNI_TONES.items():
        if digit in letters:
            if tone != LEVEL:
                return None
            tone = value
            letters = letters.replace(digit, "", 1)
    if any(c.isdigit() for c in letters) or len(letters) < 2:
        return None
    if re.search(r"[fjwz]", letters):
        return None
    return letters, tone, 2


def _with_case(decoded, original):
    if original.isupper() and len(original) > 1:
        return decoded.upper()
    if original[:1].isupper():
        return decoded[:1].upper() + decoded[1:]
    return decoded


def _decode(token):
    """(syllable, strength) a Telex or VNI token stands for, or None."""
    lower = token.lower()
    if len(lower) < 2:
        return None
    if _TELEX_TOKEN.match(lower):
        decoded = _telex(lower)
    elif _VNI_TOKEN.match(lower):
        decoded = _vni(lower)
    else:
        return None
    if decoded is None:
        return None
    letters, tone, strength = decoded
    if letters == lower and tone == LEVEL:
        return None
    # "uow" is ươ ("trường") or, in a few words without a final, uơ ("thuở", "huơ").
    for candidate in (letters, letters.replace("ươ", "uơ")):
        parsed = _parse(candidate)
        if parsed is not None and _spelling_ok(*parsed, tone):
            return _with_case(_place_tone(*parsed, tone), token), strength
    return None


def decode_token(token, context=False):
    """The Vietnamese syllable a Telex or VNI token stands for, or None.

    A token that could also be English ("cats" → "cát", "her" → "hẻ") is decoded only
    with `context`: when another word of the same query is unmistakable residue.
    """
    decoded = _decode(token)
    if decoded is None or (decoded[1] < 2 and not context):
        return None
    return decoded[0]


def decode(text):
    """`text` with every Telex/VNI word decoded (others unchanged), NFC."""
    words = normalize_query(text).split(" ")
    decoded = [_decode(word) for word in words]
    context = any(found and found[1] == 2 for found in decoded)
    return " ".join(
        found[0] if found and (found[1] == 2 or context) else word
        for word, found in zip(words, decoded, strict=True)
    )


def query_variants(text):
    """The forms of a query to search (OR'ed): the normalised query, then the decoded one
    when some of its words are Telex or VNI residue. Empty list for an empty query."""
    query = normalize_query(text)
    if not query:
        return []
    variants = [query]
    decoded = decode(query)
    if decoded != query:
        variants.append(decoded)
    return variants
