"""The interface language of the integration request, switched as a browser would."""

from plone.i18n.utility import setLanguageBinding
from vnarchive.content import codelists
from zope.globalrequest import setRequest
from zope.i18n import translate


# A label in each interface language: proof that the request really speaks it.
DECISION_TYPE = {"vi": "Quyết định", "en": "Decision", "lo": "ຂໍ້ຕົກລົງ"}


def interface_language(portal, language):
    """Negotiate the request again with the I18N_LANGUAGE cookie set to `language`."""
    request = portal.REQUEST
    request.cookies["I18N_LANGUAGE"] = language
    setLanguageBinding(request)
    setRequest(request)
    label = codelists.DOCUMENT_TYPE.get("02").label
    assert translate(label, context=request) == DECISION_TYPE[language]
    return request
