"""Every file of the hostile PDF corpus is refused with its reason; the controls pass."""

import io

import pytest
from pypdf import PdfReader

from portal.documents.inspection import FileRefused, inspect
from tests.documents.hostile_pdfs import CORPUS

MB = 1024 * 1024


def check(name, data):
    return inspect(name, data, 10 * MB, 60_000_000)


@pytest.mark.parametrize("sample", [s for s in CORPUS if s.reason], ids=lambda s: s.name)
def test_each_hostile_pdf_is_refused_with_its_reason(sample):
    with pytest.raises(FileRefused) as refused:
        check(sample.name, sample.data)
    assert refused.value.reason == sample.reason, sample.what


@pytest.mark.parametrize("sample", [s for s in CORPUS if not s.reason], ids=lambda s: s.name)
def test_harmless_look_alikes_are_accepted_byte_for_byte(sample):
    data = sample.data
    assert check(sample.name, data).content == data, sample.what


# Readable only with its password; refused before parsing: not for this test.
UNREADABLE = {"encrypted.pdf", "zip-appended.pdf"}


@pytest.mark.parametrize(
    "sample", [s for s in CORPUS if s.name not in UNREADABLE], ids=lambda s: s.name
)
def test_every_corpus_file_is_a_pdf_a_reader_opens(sample):
    """So each refusal is for the trick it carries, not because the file is broken."""
    reader = PdfReader(io.BytesIO(sample.data), strict=True)
    assert len(reader.pages) == 1


def test_the_corpus_covers_every_action_the_policy_names():
    spelled = b"".join(s.data for s in CORPUS if s.reason)
    for name in [b"/URI", b"/SubmitForm", b"/GoToR", b"/GoToE", b"/ImportData", b"/Launch"]:
        assert name in spelled, name
    for name in [b"/JavaScript", b"/Rendition", b"/OpenAction", b"/AA", b"/AF", b"/EF"]:
        assert name in spelled, name


def test_the_corpus_can_be_written_out(tmp_path, capsys):
    from tests.documents.hostile_pdfs import write_corpus

    write_corpus(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(s.name for s in CORPUS)
    assert "openaction-uri.pdf" in capsys.readouterr().out
