"""veraPDF, the PDF/A validator, from Maven Central (cached in ~/.m2 after the first run).

A test module imports the `verapdf` fixture (its command line) from here and asks
`verapdf_report(verapdf, data, tmp_path)`, which starts with "PASS" for a conforming file.
"""

from pathlib import Path

import pytest
import subprocess


VERAPDF_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>vnarchive.tests</groupId><artifactId>verapdf</artifactId><version>1</version>
  <dependencies><dependency>
    <groupId>org.verapdf.apps</groupId><artifactId>greenfield-apps</artifactId>
    <version>1.28.2</version>
  </dependency></dependencies>
</project>
"""


@pytest.fixture(scope="session")
def verapdf(tmp_path_factory):
    """veraPDF's command line (java with the classpath Maven resolved)."""
    folder = tmp_path_factory.mktemp("verapdf")
    (folder / "pom.xml").write_text(VERAPDF_POM)
    subprocess.run(
        ["mvn", "-q", "-B", "dependency:build-classpath", "-Dmdep.outputFile=cp.txt"],
        cwd=folder,
        check=True,
        capture_output=True,
        timeout=600,
    )
    classpath = (folder / "cp.txt").read_text().strip()
    return ["java", "-cp", classpath, "org.verapdf.apps.GreenfieldCliWrapper"]


def verapdf_report(command, data, folder, flavour="2b"):
    """veraPDF's text report on `data` ("PASS <file> 2b" when it conforms)."""
    target = Path(folder) / "checked.pdf"
    target.write_bytes(data)
    result = subprocess.run(
        [*command, "--flavour", flavour, "--format", "text", str(target)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result.stdout + result.stderr
