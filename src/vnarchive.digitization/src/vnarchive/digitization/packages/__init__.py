"""Information packages of Circular 05/2025/TT-BNV (OAIS: SIP, AIP, DIP), pure Python.

Nothing here imports Plone: the builder takes plain data and writes a ZIP, the validator
reads one. The site's side (what a dossier or fonds holds, who may receive what) is
`vnarchive.digitization.packaging`; the REST service is `services/package`.

- `model`: the builder's input — a package, its units (fonds, dossier, documents) with
  their national fields as the records store them, their files and journal events;
- `national`: the national descriptive files (`EAD.xml`, `EAD_doc_<n>.xml`, root
  `<simpledc>`), stored field names mapped back to the national ones;
- `mets`, `premis`: the structural and preservation metadata;
- `writer`: `build_package(package, fileobj)`, the ZIP written as a stream;
- `xsd`, `validate`: the XSDs kept in `schemas/` (no download at run time) and
  `validate_package(path_or_zip)`.

docs/packages.md says what a package holds and which national rules are uncertain.
"""

from vnarchive.digitization.packages.model import AIP  # noqa: F401
from vnarchive.digitization.packages.model import DIP  # noqa: F401
from vnarchive.digitization.packages.model import Event  # noqa: F401
from vnarchive.digitization.packages.model import Package  # noqa: F401
from vnarchive.digitization.packages.model import PackageError  # noqa: F401
from vnarchive.digitization.packages.model import PackageFile  # noqa: F401
from vnarchive.digitization.packages.model import Unit  # noqa: F401
