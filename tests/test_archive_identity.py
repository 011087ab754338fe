"""archive.identity and archive.merge: a document keeps its identity, and its history, when it moves."""

from __future__ import annotations

from archive import Archive
from extract import EXTRACTOR_VERSION
from nianbao.capture import Capture
from tests.archive_support import error, page, report_body, toy_extract

OLD = "http://www.qinglan.example:8080/xxgk/2023/t1.html"
HTTPS = "https://qinglan.example/xxgk/2023/t1.html?"  # another scheme, host spelling and port; same key
RENUMBERED = "https://qinglan.example/xxgk/col5678/t1.html"
ATTACHMENT = "/xxgk/2023/P020230120.pdf"


def linking(url: str, **fields: object) -> Capture:
    """A page capture whose extraction links one attachment, at its own origin."""
    origin = url.split("/xxgk/")[0]
    return page(url, attachments=[{"url": origin + ATTACHMENT, "name": "年报全文.pdf", "ext": "pdf"}], **fields)


def outcomes(db: Archive, url: str) -> list[str]:
    return [entry["outcome"] for entry in db.history(url)]


def test_a_site_on_another_scheme_host_and_port_keeps_its_documents(db: Archive) -> None:
    db.record_capture(linking(OLD, fetched_at="2024-01-01T00:00:00Z"))
    recorded = db.record_capture(linking(HTTPS, fetched_at="2024-01-02T00:00:00Z"))
    assert recorded.outcome == "unchanged"  # attachments linked at the new origin are not new content
    (document,) = db.documents()
    assert document["url"] == HTTPS and document["id"] == recorded.document_id
    assert [u["url"] for u in db.document_urls(document["id"])] == [OLD, HTTPS]
    assert db.history(OLD) == db.history(HTTPS) and [e["url"] for e in db.history(OLD)] == [OLD, HTTPS]
    assert db.validators(OLD) == db.validators(HTTPS)


def test_at_its_own_place_a_changed_attachment_link_is_still_a_change(db: Archive) -> None:
    db.record_capture(linking(OLD))
    changed = page(OLD, attachments=[{"url": "http://www.qinglan.example:8080/xxgk/2023/P0202302.pdf",
                                      "name": "年报全文.pdf", "ext": "pdf"}])
    assert db.record_capture(changed).outcome == "changed"


def test_a_document_moved_without_a_redirect_is_joined_when_its_old_address_dies(db: Archive) -> None:
    db.record_capture(linking(OLD, fetched_at="2024-01-01T00:00:00Z"))
    twin = db.record_capture(page(OLD.replace("t1", "t9"), fetched_at="2024-01-01T00:00:00Z",
                                  body=report_body(title="另一份年报")))
    moved = db.record_capture(linking(RENUMBERED, fetched_at="2024-01-03T00:00:00Z"))
    assert moved.outcome == "new"  # its old address still counts as live: two documents for now
    gone = db.record_capture(error(OLD, "not_found", status=404, fetched_at="2024-01-03T00:01:00Z"))
    assert gone.outcome == "error" and "former address" in (db.history(OLD)[-1]["error_message"] or "")
    documents = list(db.documents())
    assert len(documents) == 2 and twin.document_id in {d["id"] for d in documents}
    (kept,) = [d for d in documents if d["id"] == gone.document_id]
    assert kept["status"] == "live" and kept["url"] == RENUMBERED
    assert outcomes(db, RENUMBERED) == ["new", "unchanged", "error"]  # one version, every capture kept
    assert [v["number"] for v in db.versions(current_only=False) if v["document_id"] == kept["id"]] == [1]
    assert db.search("依申请公开办理规范") and len(db.search("依申请公开办理规范")) == 2


def test_a_permanent_redirect_names_the_new_address_and_joins_what_was_recorded_there(db: Archive) -> None:
    db.record_capture(page(OLD, fetched_at="2024-01-01T00:00:00Z"))
    db.record_capture(page(RENUMBERED, fetched_at="2024-01-02T00:00:00Z", body=report_body("改版后的全文。")))
    redirected = db.record_capture(page(OLD, final_url=RENUMBERED, moved_permanently=True,
                                        fetched_at="2024-01-02T00:01:00Z", body=report_body("改版后的全文。")))
    (document,) = db.documents()
    assert redirected.outcome == "unchanged" and document["url"] == RENUMBERED
    assert outcomes(db, OLD) == ["new", "changed", "unchanged"]
    assert db.get_version(OLD)["number"] == 2


def test_two_live_addresses_with_the_same_report_stay_two_documents(db: Archive) -> None:
    db.record_capture(page(OLD))
    assert db.record_capture(page(RENUMBERED)).outcome == "new"
    db.record_capture(page(OLD))
    assert len(list(db.documents())) == 2


def test_a_removed_document_that_reappears_elsewhere_is_back(db: Archive) -> None:
    db.record_capture(page(OLD, fetched_at="2024-01-01T00:00:00Z"))
    db.record_capture(error(OLD, "not_found", status=404, fetched_at="2024-01-02T00:00:00Z"))
    back = db.record_capture(page(RENUMBERED, fetched_at="2024-01-03T00:00:00Z"))
    (document,) = db.documents()
    assert back.outcome == "unchanged" and document["status"] == "live" and document["removed_at"] is None
    assert document["url"] == RENUMBERED


def test_a_former_address_gone_is_no_removal(db: Archive) -> None:
    db.record_capture(page(OLD, final_url=RENUMBERED, moved_permanently=True))
    assert db.record_capture(error(OLD, "not_found", status=404)).outcome == "error"
    (document,) = db.documents()
    assert document["status"] == "live"
    assert db.record_capture(error(RENUMBERED, "not_found", status=404)).outcome == "removed"


def test_reextract_replays_a_moved_document_as_it_was_recorded(db: Archive) -> None:
    db.record_capture(linking(OLD, fetched_at="2024-01-01T00:00:00Z"))
    db.record_capture(linking(RENUMBERED, fetched_at="2024-01-02T00:00:00Z"))
    db.record_capture(error(OLD, "not_found", status=404, fetched_at="2024-01-02T00:01:00Z"))
    before = db.history(RENUMBERED)

    def with_links(body: bytes, url: str, headers: object) -> dict:
        origin = url.split("/xxgk/")[0]
        return {**toy_extract(body, url, None), "attachments": [
            {"url": origin + ATTACHMENT, "name": "年报全文.pdf", "ext": "pdf"}]}

    counts = db.reextract(with_links, extractor_version=EXTRACTOR_VERSION + "-test", force=True)
    assert counts["documents_created"] == counts["documents_deleted"] == 0
    after = db.history(RENUMBERED)
    assert [(e["outcome"], e["version"]) for e in after] == [(e["outcome"], e["version"]) for e in before]
    assert [e["outcome"] for e in after] == ["new", "unchanged", "error"]
