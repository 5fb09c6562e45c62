"""The templates of instance/ (zeo.conf.in, zope.conf.in, zope.ini.in, nginx.conf.in)."""

from .settings import INSTANCE
from string import Template


def select(text, conf):
    """Keep the lines between `#if <setting>=<value>` and `#endif` only when conf agrees."""
    lines, keep = [], True
    for line in text.splitlines(keepends=True):
        word = line.strip()
        if word.startswith("#if "):
            key, _, value = word[4:].partition("=")
            keep = str(conf[key.strip()]) == value.strip()
        elif word == "#endif":
            keep = True
        elif keep:
            lines.append(line)
    return "".join(lines)


def render_template(name, values):
    """instance/<name> with its `#if` blocks selected and its $names substituted."""
    text = select((INSTANCE / name).read_text(), values)
    return Template(text).substitute(values)
