"""What the synthesis tests share: reading a PDF's text back, and a client's download."""

import re
import shutil
import subprocess
import tempfile

from catalogue.bidi import without_controls
from tests.browser.support import require


def pdf_text(pdf: bytes) -> str:
    """The text of every page in reading order (poppler's pdftotext), without direction marks."""
    require(shutil.which("pdftotext") is not None, "pdftotext not found: install poppler-utils.")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        result = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", file.name, "-"], capture_output=True, check=True
        )
    return without_controls(result.stdout.decode())


def squeezed(text: str) -> str:
    """Without any white space: a label may wrap onto two lines of a table cell. Arabic
    lam-alef ligatures in the order pdftotext reads them back (alef first), on both sides
    of a comparison: خلاصة comes out of the PDF as خالصة."""
    return LAM_ALEF.sub(r"\1ل", "".join(text.split()))


LAM_ALEF = re.compile("ل([اأإآ])")


def body(response) -> bytes:
    """A response's content, read whole: a file's response closes its file once read."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def without_tokens(html: str) -> str:
    """A page without what differs on every request: its CSRF tokens, the time left in
    the session."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'seconds="\d+"', "", html)
