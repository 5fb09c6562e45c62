"""The XML schemas kept in `schemas/`, loaded through its catalog, never from the network.

`schemas/catalog.xml` maps the official addresses (and those the schemas import) to the
files beside it; `CatalogResolver` answers lxml with them, and every parser here has
network access and entity expansion off, so a schema or document that names anything
else fails instead of fetching it. `schema(name)` gives a compiled schema:

- "mets": METS 1.12.1 with the E-ARK CSIP extension (its attributes are checked where
  METS lets other namespaces in);
- "premis": PREMIS 3.0;
- "national": the project schema of the national descriptive files.

`package_schemas(kind)` names the files a package carries in its `schemas/` folder.
"""

from functools import cache
from lxml import etree
from pathlib import Path


FOLDER = Path(__file__).resolve().parent / "schemas"
CATALOG = FOLDER / "catalog.xml"
CATALOG_NS = "urn:oasis:names:tc:entity:xmlns:xml:catalog"
METS_URL = "http://www.loc.gov/standards/mets/version1121/mets.xsd"
CSIP_URL = "https://earkcsip.dilcis.eu/schema/DILCISExtensionMETS.xsd"
PREMIS_URL = "http://www.loc.gov/standards/premis/v3/premis.xsd"
NATIONAL_FILE = "vnarchive-simpledc.xsd"

# METS with the CSIP extension's attributes declared: one schema importing both.
METS_DRIVER = f"""<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:import namespace="http://www.loc.gov/METS/" schemaLocation="{METS_URL}"/>
  <xs:import namespace="https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
             schemaLocation="{CSIP_URL}"/>
</xs:schema>
""".encode()

COMMON_SCHEMAS = ("mets.xsd", "xlink.xsd", "DILCISExtensionMETS.xsd", NATIONAL_FILE)
AIP_SCHEMAS = ("premis.xsd",)


@cache
def catalog():
    """{address: local path} from schemas/catalog.xml."""
    tree = etree.parse(str(CATALOG), _parser())
    mapping = {}
    for element in tree.getroot():
        if not isinstance(element.tag, str):
            continue
        name = element.get("name") or element.get("systemId")
        if name and element.get("uri"):
            mapping[name] = str(FOLDER / element.get("uri"))
    return mapping


class CatalogResolver(etree.Resolver):
    """Addresses of the catalog, and files of schemas/ itself; nothing else."""

    def resolve(self, system_url, public_id, context):
        local = catalog().get(system_url)
        if local is None and system_url:
            candidate = Path(system_url.removeprefix("file://"))
            if candidate.is_absolute() and candidate.parent == FOLDER:
                local = str(candidate)
        if local is None:
            return None  # with no_network, libxml2 then fails to load it
        return self.resolve_filename(local, context)


def _parser(**options):
    return etree.XMLParser(
        no_network=True,
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        **options,
    )


def safe_parser(**options):
    """A parser that reads nothing but what it is given: no network, no DTD, no entity
    expansion, no huge documents; the addresses of the catalog are read from schemas/."""
    parser = _parser(**options)
    parser.resolvers.add(CatalogResolver())
    return parser


def _compile(document, base_url):
    tree = etree.fromstring(document, safe_parser(), base_url=base_url)
    return etree.XMLSchema(tree)


@cache
def schema(name):
    """The compiled schema "mets", "premis" or "national"."""
    if name == "mets":
        return _compile(METS_DRIVER, str(FOLDER / "driver.xsd"))
    if name == "premis":
        return _compile(
            (FOLDER / "premis.xsd").read_bytes(), str(FOLDER / "premis.xsd")
        )
    if name == "national":
        path = FOLDER / NATIONAL_FILE
        return _compile(path.read_bytes(), str(path))
    raise KeyError(name)


def package_schemas(with_premis):
    """The schema files a package carries in `schemas/`, in order."""
    names = COMMON_SCHEMAS + (AIP_SCHEMAS if with_premis else ())
    return [(name, FOLDER / name) for name in names]
