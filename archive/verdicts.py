"""What a capture means for its document: situations, and the verdict table that maps them to outcomes.

Pure functions and data, shared by live recording and by re-extraction (which replays captures).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nianbao import fields
from nianbao.errors import KEEPS_BODY_CLASSES

DOCUMENT_KINDS = ("page", "attachment")
OUTCOMES = ("new", "changed", "unchanged", "not_modified", "removed", "error")

# The fields whose change makes a new version (nianbao/fields.py): how the text was obtained
# (encoding, rules, stage, extractor version) and flags are left out, so a new extractor or a
# re-encoded page with the same content is not a new version.
CONTENT_FIELDS = fields.CONTENT_FIELDS
EXTRACTION_KEYS = frozenset(fields.KEYS)
JSON_CONTENT_FIELDS = tuple(name for name in CONTENT_FIELDS if name in fields.JSON_FIELDS)


@dataclass(frozen=True)
class Facts:
    """What one capture observed, as far as the rules care."""

    error_class: str | None
    error_message: str | None
    status: int | None
    extraction: dict[str, Any] | None
    # the body is byte for byte the one behind the current version, which this extractor made
    known_body: bool = False


@dataclass(frozen=True)
class Verdict:
    """The outcome of a capture and what it does to its document."""

    outcome: str
    error_class: str | None = None  # None: keep the fetch's own class
    message: str | None = None  # used when the capture carries no message of its own
    creates_version: bool = False
    shows_current: bool = False
    doc_status: str | None = None  # the document's status afterwards; None leaves it


_REMOVED = Verdict("removed", doc_status="removed")

# (situation, document already known?) -> verdict. Every situation has both entries.
DOCUMENT_VERDICTS: dict[tuple[str, bool], Verdict] = {
    ("fetch_error", False): Verdict("error"),
    ("fetch_error", True): Verdict("error"),
    ("gone", False): Verdict("error"),
    ("gone", True): _REMOVED,
    ("not_modified", False): Verdict("error", "other", "HTTP 304 for a URL with no archived version"),
    ("not_modified", True): Verdict("not_modified", shows_current=True, doc_status="live"),
    ("no_extraction", False): Verdict("error", "other", "response was not extracted"),
    ("no_extraction", True): Verdict("error", "other", "response was not extracted"),
    ("bad_extraction", False): Verdict("error", "other"),
    ("bad_extraction", True): Verdict("error", "other"),
    ("soft_404", False): Verdict("error", "not_found", "soft 404: an error page served with HTTP 200"),
    ("soft_404", True): Verdict("removed", message="soft 404: an error page served with HTTP 200",
                                doc_status="removed"),
    ("content", False): Verdict("new", creates_version=True, doc_status="live"),
    ("same_content", True): Verdict("unchanged", shows_current=True, doc_status="live"),
    ("new_content", True): Verdict("changed", creates_version=True, doc_status="live"),
}

# List and home pages have no document; their bodies are compared byte for byte.
LISTING_VERDICTS: dict[str, Verdict] = {
    "fetch_error": Verdict("error"),
    "gone": Verdict("error"),
    "not_modified": Verdict("not_modified"),
    "first_body": Verdict("new"),
    "same_body": Verdict("unchanged"),
    "new_body": Verdict("changed"),
}


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, CJK kept as is."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_digest(extraction: dict[str, Any], encoded: Mapping[str, str] | None = None) -> str:
    """sha256 of the canonical JSON of the content fields of an extraction.

    ``encoded`` may hold the canonical JSON of some fields already made (a version's JSON columns):
    the object is assembled from its members exactly as ``canonical_json`` would write it, so the
    digest is the same, and a report's large tables are serialised once, not twice.
    """
    encoded = encoded or {}
    members = [f"{json.dumps(name)}:{encoded.get(name) or canonical_json(extraction.get(name))}"
               for name in sorted(CONTENT_FIELDS)]
    return hashlib.sha256(("{" + ",".join(members) + "}").encode("utf-8")).hexdigest()


def placeless_digest(values: Mapping[str, Any], *, json_columns: bool = False) -> str:
    """:func:`content_digest` with attachment links reduced to their names and types.

    The same report served from another place (a new host, a renumbered column) links its
    attachments at other URLs; everything else it says is the same. ``json_columns``: ``values`` is a
    stored version row, whose JSON columns are text.
    """
    content = {name: values.get(name) for name in CONTENT_FIELDS}
    if json_columns:
        content.update({name: json.loads(str(content[name])) for name in JSON_CONTENT_FIELDS
                        if content[name] is not None})
    content["attachments"] = [{"name": a.get("name"), "ext": a.get("ext")} for a in content["attachments"] or []]
    return content_digest(content)


def has_body(facts: Facts) -> bool:
    """A response whose body is kept: a successful fetch other than a 304, or one our own reading
    failed on (``KEEPS_BODY_CLASSES``), so a fixed reader can read it again."""
    return (facts.error_class is None or facts.error_class in KEEPS_BODY_CLASSES) and facts.status != 304


def missing_keys(extraction: dict[str, Any]) -> list[str]:
    """Keys of the extraction contract that this extraction lacks."""
    return sorted(EXTRACTION_KEYS - extraction.keys())


def fetch_situation(facts: Facts) -> str | None:
    """The situation decided by the fetch alone, or None when the body must be looked at."""
    if facts.error_class == "not_found":
        return "gone"
    if facts.error_class is not None:
        return "fetch_error"
    if facts.status == 304:
        return "not_modified"
    return None


def document_situation(facts: Facts, current_digest: str | None,
                       moved_digest: str | None = None) -> tuple[str, str | None]:
    """(situation, detail message) of a page or attachment capture; digest None means unknown URL.

    ``moved_digest`` is the current version's :func:`placeless_digest` when this capture was read
    somewhere else than it (the document moved): content equal but for where it links is the same.
    """
    situation = fetch_situation(facts)
    if situation is not None:
        return situation, None
    extraction = facts.extraction
    if extraction is None and facts.known_body and current_digest is not None:
        return "same_content", None
    if extraction is None:
        return "no_extraction", None
    if missing := missing_keys(extraction):
        return "bad_extraction", f"extraction lacks keys: {', '.join(missing)}"
    if extraction["is_soft_404"]:
        return "soft_404", None
    if current_digest is None:
        return "content", None
    same = content_digest(extraction) == current_digest or (
        moved_digest is not None and placeless_digest(extraction) == moved_digest)
    return ("same_content" if same else "new_content"), None


def decide_document(facts: Facts, current_digest: str | None,
                    moved_digest: str | None = None) -> tuple[Verdict, str | None]:
    """The verdict on a page/attachment capture and the detail message for its row."""
    situation, detail = document_situation(facts, current_digest, moved_digest)
    return DOCUMENT_VERDICTS[(situation, current_digest is not None)], detail


def decide_listing(facts: Facts, sha256: str | None, previous_sha256: str | None) -> Verdict:
    """The verdict on a list/home capture, by comparing its bytes with the previous body."""
    situation = fetch_situation(facts)
    if situation is None:
        if previous_sha256 is None:
            situation = "first_body"
        else:
            situation = "same_body" if sha256 == previous_sha256 else "new_body"
    return LISTING_VERDICTS[situation]


def row_error(verdict: Verdict, facts: Facts, detail: str | None) -> tuple[str | None, str | None]:
    """(error_class, error_message) to store on the capture row."""
    error_class = verdict.error_class or facts.error_class
    if verdict.outcome not in ("error", "removed"):
        error_class = None
    return error_class, facts.error_message or detail or verdict.message
