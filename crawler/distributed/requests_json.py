"""Requests as JSON in the shared queue (``SCHEDULER_SERIALIZER``), never as pickles.

scrapy-redis pickles queued requests by default: anyone who can write to the Redis then runs code
in every worker. nianbao's requests are plain data once a callback is named by its method name:
JSON with bytes as ``{"__b64__": …}`` is enough (tuples come back as lists). Decoding goes through
Scrapy's ``request_from_dict``, which imports the class a payload names, so only the request
classes nianbao's spider builds are accepted.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from scrapy import Request, Spider
from scrapy.utils.request import request_from_dict

REQUEST_CLASSES = {"scrapy.http.request.form.FormRequest"}
# Set per pop or per download in this process; never part of the queued request.
LOCAL_META = ("download_slot", "nianbao_lease", "download_latency", "nianbao_status", "nianbao_known_list",
              "nianbao_prior_list", "nianbao_same_list")


class RequestEncodingError(ValueError):
    """A request that cannot go into the shared queue (a callback that is not a spider method, meta
    that is not plain data, a class that is not allowed)."""


def _default(obj: Any) -> Any:
    if isinstance(obj, bytes):
        return {"__b64__": base64.b64encode(obj).decode("ascii")}
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    raise TypeError(f"cannot queue a request holding {type(obj).__name__} in its meta")


def _hook(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and "__b64__" in obj:
        return base64.b64decode(obj["__b64__"])
    return obj


def dumps(obj: Any) -> bytes:
    """JSON bytes of plain data, bytes tagged as base64."""
    return json.dumps(obj, default=_default, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(data: bytes | str) -> Any:
    """The plain data :func:`dumps` wrote."""
    return json.loads(data, object_hook=_hook)


def encode_request(request: Request, spider: Spider) -> bytes:
    """The request as JSON; callbacks by method name (which must be the spider's own)."""
    data: dict[str, Any] = {"url": request.url, "headers": {
        k.decode("latin-1"): [v.decode("latin-1") for v in values] for k, values in request.headers.items()}}
    for name in ("callback", "errback"):
        data[name] = _method_name(getattr(request, name), spider, name, request)
    for attr in request.attributes:
        if attr not in data:
            data[attr] = getattr(request, attr)
    data["meta"] = {k: v for k, v in request.meta.items() if k not in LOCAL_META}
    if type(request) is not Request:
        data["_class"] = f"{type(request).__module__}.{type(request).__name__}"
    try:
        return dumps(data)
    except TypeError as exc:
        raise RequestEncodingError(f"{request}: {exc}") from exc


def _method_name(func: Any, spider: Spider, name: str, request: Request) -> str | None:
    if func is None:
        return None
    if getattr(func, "__self__", None) is not spider:
        raise RequestEncodingError(f"the {name} of {request} is not a method of the spider; it cannot be queued")
    return str(func.__name__)


def decode_request(payload: bytes, spider: Spider) -> Request:
    """A request :func:`encode_request` made, for ``spider``."""
    data = loads(payload)
    if data.get("_class") and data["_class"] not in REQUEST_CLASSES:
        raise RequestEncodingError(f"refusing request class {data['_class']!r} from the shared queue")
    data["headers"] = {k: [v.encode("latin-1") for v in values] for k, values in data["headers"].items()}
    return request_from_dict(data, spider=spider)
