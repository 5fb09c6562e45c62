"""Trees kept in an object's annotations (the site's codes, journals and batches; a
dossier's import checksums)."""

from BTrees.OOBTree import OOBTree
from zope.annotation.interfaces import IAnnotations


def annotated_tree(obj, key, create=False):
    """The OOBTree stored under `key` on `obj`; made when `create`, else None if absent."""
    annotations = IAnnotations(obj)
    tree = annotations.get(key)
    if tree is None and create:
        tree = annotations[key] = OOBTree()
    return tree
