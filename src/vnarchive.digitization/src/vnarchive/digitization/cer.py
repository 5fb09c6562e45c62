"""Character error rate: how far OCR text is from the known text.

Both texts are normalised the same way first (NFC, Lao SARA AM as one code
point, every run of whitespace one space, trimmed): line breaks and spacing are
layout, not characters read wrongly. CER = Levenshtein distance / length of the
reference (0.0 is perfect; it can exceed 1.0 when the hypothesis is much longer).
"""

from vnarchive.digitization.ocr import normalize_text


def normalise(text):
    return " ".join(normalize_text(text).split())


def levenshtein(a, b):
    """Edit distance (insert, delete, substitute: 1 each) between two strings.

    Bit-parallel (Myers 1999, Hyyrö 2001) on Python integers: one pass over `b`
    with a few operations on len(a)-bit numbers, so full pages take milliseconds.
    """
    if not a:
        return len(b)
    if not b:
        return len(a)
    peq = {}
    for index, char in enumerate(a):
        peq[char] = peq.get(char, 0) | (1 << index)
    mask = (1 << len(a)) - 1
    last = 1 << (len(a) - 1)
    pv, mv, score = mask, 0, len(a)
    for char in b:
        eq = peq.get(char, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | ~(xh | pv)
        mh = pv & xh
        if ph & last:
            score += 1
        elif mh & last:
            score -= 1
        ph = (ph << 1) | 1
        mh <<= 1
        pv = (mh | ~(xv | ph)) & mask
        mv = ph & xv & mask
    return score


def character_error_rate(reference, hypothesis):
    """Levenshtein(reference, hypothesis) / len(reference), after `normalise`."""
    reference, hypothesis = normalise(reference), normalise(hypothesis)
    if not reference:
        return 0.0 if not hypothesis else 1.0
    return levenshtein(reference, hypothesis) / len(reference)
