"""An Elasticsearch 9 stand-in of ours, for the tests that need a cluster's
behaviour where none can run (this machine cannot install Elasticsearch).

It is not a search engine: text queries match when a query word occurs in a
document's text, every hit scores 1 and hits come in insertion order. What it
reproduces faithfully is what the operator-facing tests need, the way ES 9
does it:

* **auto-create**: a write into a missing index creates it with *dynamic*
  mappings (strings become ``text`` with a ``keyword`` sub-field, no analyzers),
  unless ``auto_create=False`` (``action.auto_create_index: false``);
* **mappings**: ``PUT _mapping`` refuses to change a field's type; sorting on a
  ``text`` field or an unmapped one is a 400, as in ES; a mapping's ``_meta``
  is kept and a ``PUT _mapping`` carrying one replaces it whole;
* **aliases**: ``_aliases`` applies its actions atomically; a write through an
  alias of several indices without a write index is a 400; searching such an
  alias returns every index's hits (duplicates); deleting an alias by name is
  a 400;
* **aggregations**: ``terms`` (Wagtail's ``facet()``, used by the admin's page
  search), a 400 on a text field as in ES;
* **result window**: ``from + size`` past ``index.max_result_window`` (10,000)
  is a 400 ``Result window is too large``;
* **security**: optional HTTP basic or API-key authentication (401 otherwise)
  and TLS with a certificate the test provides;
* **faults**: ``write_delay`` seconds (document writes), ``read_delay``
  seconds (searches and counts, not index metadata), ``reject`` — a
  callable naming the error for a document ES would refuse (a 400 item) —
  and ``write_status`` (429 or 503): every write answers what an overloaded or
  unavailable cluster answers (``es_rejected_execution_exception``,
  ``unavailable_shards_exception``);
* **cluster health**: one node, so an index asking for replicas
  (``number_of_replicas``, 1 when unset, as in ES) leaves the cluster yellow;
  ``health = "red"`` forces a status. ``wait_for_status`` not reached within
  ``timeout`` answers 408 with ``timed_out: true``, as ES does.
* **hooks**: ``before`` — a callable given each ``Request`` before it is
  answered (outside the lock, other requests go on), so a test can hold one
  request (say, the refresh that ends a rebuild's bulk load) at a known point.

Every request is recorded (``requests``) so a test can also assert on what
kmpress sent. Unknown endpoints and query types answer 400, so a test never
passes on something the stand-in silently ignored.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import ssl
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_MAX_RESULT_WINDOW = 10_000
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][\d:.]+([+-]\d{2}:?\d{2}|Z)?)?$")
TEXT_QUERIES = (
    "match",
    "match_phrase",
    "match_phrase_prefix",
    "match_bool_prefix",
    "multi_match",
    "query_string",
    "simple_query_string",
)


class EsError(Exception):
    """An error answer, shaped as Elasticsearch shapes it."""

    def __init__(self, status: int, kind: str, reason: str, **extra) -> None:
        super().__init__(reason)
        self.status, self.kind, self.reason, self.extra = status, kind, reason, extra

    def body(self) -> dict:
        cause = {"type": self.kind, "reason": self.reason, **self.extra}
        return {"error": {"root_cause": [cause], **cause}, "status": self.status}


def not_found(name: str) -> EsError:
    return EsError(
        404, "index_not_found_exception", f"no such index [{name}]", index=name
    )


@dataclass
class Index:
    name: str
    settings: dict = field(default_factory=dict)
    mappings: dict = field(default_factory=lambda: {"properties": {}})
    docs: dict[str, dict] = field(default_factory=dict)
    #: What queries see: the source plus the ``copy_to`` fields the mapping fills.
    searchable: dict[str, dict] = field(default_factory=dict)
    aliases: dict[str, dict] = field(default_factory=dict)
    auto_created: bool = False

    @property
    def max_result_window(self) -> int:
        index = self.settings.get("index", self.settings)
        value = index.get(
            "max_result_window", self.settings.get("index.max_result_window")
        )
        return int(value or DEFAULT_MAX_RESULT_WINDOW)

    @property
    def analyzers(self) -> dict:
        index = self.settings.get("index", self.settings)
        analysis = index.get("analysis") or self.settings.get("analysis") or {}
        return analysis.get("analyzer", {})


# Mappings -----------------------------------------------------------------


def dynamic_type(value: Any) -> dict | None:
    """What ES's dynamic mapping makes of a JSON value."""
    if isinstance(value, list):
        return next((dynamic_type(v) for v in value if v is not None), None)
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "long"}
    if isinstance(value, float):
        return {"type": "float"}
    if isinstance(value, dict):
        return {"properties": dynamic_properties(value, {})}
    if isinstance(value, str):
        if DATE.match(value):
            return {"type": "date"}
        return {
            "type": "text",
            "fields": {"keyword": {"type": "keyword", "ignore_above": 256}},
        }
    return None


def dynamic_properties(source: dict, properties: dict) -> dict:
    """Adds fields the mapping lacks, as ES's ``dynamic: true`` does."""
    for name, value in source.items():
        if name in properties:
            existing = properties[name]
            if "properties" in existing and isinstance(value, dict):
                dynamic_properties(value, existing["properties"])
            continue
        mapped = dynamic_type(value)
        if mapped is not None:
            properties[name] = mapped
    return properties


def merge_properties(target: dict, new: dict, path: str = "") -> None:
    for name, spec in new.items():
        full = f"{path}{name}"
        if name not in target:
            target[name] = copy.deepcopy(spec)
            continue
        old = target[name]
        old_type = old.get("type", "object")
        new_type = spec.get("type", "object")
        if old_type != new_type:
            raise EsError(
                400,
                "illegal_argument_exception",
                f"mapper [{full}] cannot be changed from type [{old_type}] "
                f"to [{new_type}]",
            )
        if "properties" in spec:
            merge_properties(
                old.setdefault("properties", {}), spec["properties"], f"{full}."
            )
        for key, value in spec.items():
            if key not in ("properties", "type"):
                old[key] = copy.deepcopy(value)


def with_copies(mappings: dict, source: dict) -> dict:
    """The document as queries see it: ``copy_to`` targets filled, as ES does."""
    expanded = {k: (list(v) if isinstance(v, list) else v) for k, v in source.items()}
    for name, spec in mappings.get("properties", {}).items():
        targets = spec.get("copy_to") or []
        targets = [targets] if isinstance(targets, str) else targets
        value = source.get(name)
        if value is None or not targets:
            continue
        values = value if isinstance(value, list) else [value]
        for target in targets:
            existing = expanded.get(target)
            existing = (
                []
                if existing is None
                else existing
                if isinstance(existing, list)
                else [existing]
            )
            expanded[target] = existing + values
    return expanded


def field_mapping(mappings: dict, path: str) -> dict | None:
    properties = mappings.get("properties", {})
    parts = path.split(".")
    spec = None
    for i, part in enumerate(parts):
        spec = properties.get(part)
        if spec is None:
            return None
        if i < len(parts) - 1:
            sub = spec.get("fields", {}).get(parts[i + 1])
            if sub is not None and i + 1 == len(parts) - 1:
                return sub
            properties = spec.get("properties", {})
    return spec


# Query evaluation -----------------------------------------------------------


def values_at(source: Any, path: str) -> list:
    """Every value at a dotted path (lists flattened); sub-fields read their parent."""
    current = [source]
    for part in path.split("."):
        found = []
        for item in current:
            if isinstance(item, dict) and part in item:
                value = item[part]
                found.extend(value if isinstance(value, list) else [value])
        if not found and current and not any(isinstance(i, dict) for i in current):
            found = current  # title.keyword: the parent's value
        current = found
    return [v for v in current if v is not None]


def all_text(source: Any) -> list[str]:
    if isinstance(source, dict):
        return [t for value in source.values() for t in all_text(value)]
    if isinstance(source, list):
        return [t for value in source for t in all_text(value)]
    return [str(source)] if isinstance(source, str) else []


def words(text: str) -> list[str]:
    return [w for w in re.split(r"\W+", text.lower()) if w]


def text_matches(spec: dict, kind: str, source: dict) -> bool:
    if kind == "multi_match" or kind.endswith("query_string"):
        query = str(spec.get("query", ""))
        fields = spec.get("fields") or ["*"]
        operator = str(spec.get("operator", spec.get("default_operator", "or"))).lower()
    else:
        ((name, value),) = spec.items()
        fields = [name]
        if isinstance(value, dict):
            query = str(value.get("query", ""))
            operator = str(value.get("operator", "or")).lower()
        else:
            query, operator = str(value), "or"
    haystack: list[str] = []
    for boosted in fields:
        name = boosted.split("^")[0]
        texts = (
            all_text(source)
            if "*" in name
            else [str(v) for v in values_at(source, name)]
        )
        haystack.extend(w for text in texts for w in words(text))
    wanted = words(query)
    if not wanted:
        return False
    prefix = kind in ("match_phrase_prefix", "match_bool_prefix")

    def found(word: str) -> bool:
        return any(h == word or (prefix and h.startswith(word)) for h in haystack)

    hits = [found(w) for w in wanted]
    return all(hits) if operator == "and" else any(hits)


def _leaf(spec: dict) -> tuple[str, Any]:
    ((name, value),) = ((k, v) for k, v in spec.items() if k not in ("boost", "_name"))
    if isinstance(value, dict) and "value" in value:
        value = value["value"]
    return name, value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return str(a).lower() == str(b).lower()
    return str(a) == str(b)


def _range(spec: dict, source: dict) -> bool:
    ((name, bounds),) = spec.items()
    tests = {
        "gt": lambda v, b: v > b,
        "gte": lambda v, b: v >= b,
        "lt": lambda v, b: v < b,
        "lte": lambda v, b: v <= b,
    }
    for value in values_at(source, name):
        if all(
            tests[op](
                type(bound)(value) if not isinstance(bound, str) else str(value), bound
            )
            for op, bound in bounds.items()
            if op in tests
        ):
            return True
    return False


def _bool(spec: dict, source: dict) -> bool:
    def clauses(key: str) -> list:
        value = spec.get(key, [])
        return value if isinstance(value, list) else [value]

    if not all(matches(q, source) for q in clauses("must") + clauses("filter")):
        return False
    if any(matches(q, source) for q in clauses("must_not")):
        return False
    should = clauses("should")
    if not should:
        return True
    needed = spec.get("minimum_should_match")
    if needed is None:
        needed = 0 if clauses("must") or clauses("filter") else 1
    return sum(matches(q, source) for q in should) >= int(needed)


def _term(spec: dict, source: dict) -> bool:
    name, value = _leaf(spec)
    return any(_same(v, value) for v in values_at(source, name))


def _terms(spec: dict, source: dict) -> bool:
    name, wanted = _leaf(spec)
    return any(_same(v, w) for v in values_at(source, name) for w in wanted)


def _prefix(spec: dict, source: dict) -> bool:
    name, value = _leaf(spec)
    return any(str(v).startswith(str(value)) for v in values_at(source, name))


QUERIES: dict[str, Callable[[Any, dict], bool]] = {
    "match_all": lambda spec, source: True,
    "match_none": lambda spec, source: False,
    "bool": _bool,
    "constant_score": lambda spec, source: matches(spec.get("filter"), source),
    "function_score": lambda spec, source: matches(spec.get("query"), source),
    "boosting": lambda spec, source: matches(spec.get("positive"), source),
    "dis_max": lambda spec, source: any(
        matches(q, source) for q in spec.get("queries", [])
    ),
    "ids": lambda spec, source: (
        str(source.get("_id")) in {str(v) for v in spec.get("values", [])}
    ),
    "term": _term,
    "terms": _terms,
    "prefix": _prefix,
    "exists": lambda spec, source: bool(values_at(source, spec["field"])),
    "range": _range,
}


def matches(query: dict | None, source: dict) -> bool:
    if not query:
        return True
    ((kind, spec),) = query.items()
    if kind in TEXT_QUERIES:
        return text_matches(spec, kind, source)
    if kind not in QUERIES:
        raise EsError(400, "parsing_exception", f"unknown query [{kind}]")
    return QUERIES[kind](spec, source)


def sort_key_check(index: Index, name: str) -> None:
    if name in ("_score", "_doc", "_id"):
        return
    spec = field_mapping(index.mappings, name)
    if spec is None:
        raise EsError(
            400,
            "query_shard_exception",
            f"No mapping found for [{name}] in order to sort on",
        )
    if spec.get("type") == "text" and not spec.get("fielddata"):
        raise EsError(
            400,
            "illegal_argument_exception",
            "Text fields are not optimised for operations that require per-document "
            "field data like aggregations and sorting, so these operations are "
            f"disabled by default. Please use a keyword field instead. [{name}]",
        )


def sort_hits(
    targets: list[Index], hits: list[tuple[Index, str, dict]], sort: Any
) -> list:
    items = sort if isinstance(sort, list) else [sort]
    for item in reversed(items):
        if isinstance(item, str):
            name, order = item, "asc"
        else:
            ((name, spec),) = item.items()
            order = spec if isinstance(spec, str) else spec.get("order", "asc")
        if name == "_score":
            continue
        for index in targets:
            sort_key_check(index, name)

        def key(hit, name=name):
            found = values_at(hit[2], name) if name != "_id" else [hit[1]]
            return (0, str(found[0])) if found else (1, "")

        hits = sorted(hits, key=key, reverse=order == "desc")
    return hits


def aggregate(targets: list[Index], hits: list[tuple[Index, str, dict]], aggs: dict):
    """``terms`` aggregations (Wagtail's ``facet()``), as ES 9 answers them: a text
    field is a 400, buckets by count then key, ``missing`` counts documents
    without a value. Other aggregation types and sub-aggregations are a 400."""
    result = {}
    for name, spec in aggs.items():
        kinds = [key for key in spec if key != "meta"]
        if kinds != ["terms"]:
            raise EsError(
                400,
                "parsing_exception",
                f"stand-in: unsupported aggregation [{name}]: {sorted(spec)}",
            )
        terms = spec["terms"]
        field_name = terms["field"]
        for index in targets:
            mapped = field_mapping(index.mappings, field_name)
            if mapped is not None:
                sort_key_check(index, field_name)
        counts: dict[Any, int] = {}
        for _index, _doc_id, source in hits:
            values = values_at(source, field_name)
            if not values and "missing" in terms:
                values = [terms["missing"]]
            for value in {json.dumps(v): v for v in values}.values():
                counts[value] = counts.get(value, 0) + 1
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
        size = int(terms.get("size", 10))
        shown = ranked[:size]
        result[name] = {
            "doc_count_error_upper_bound": 0,
            "sum_other_doc_count": sum(c for _k, c in ranked[size:]),
            "buckets": [{"key": key, "doc_count": count} for key, count in shown],
        }
    return result


# The server -----------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    query: dict
    body: str
    headers: dict

    def json(self) -> Any:
        return json.loads(self.body) if self.body.strip() else {}

    def json_lines(self) -> list:
        return [json.loads(line) for line in self.body.splitlines() if line.strip()]


class QuietServer(ThreadingHTTPServer):
    """A client that gave up (its timeout, a write_delay fault) closes the
    socket before the answer: expected here, so not printed as a traceback."""

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class ElasticsearchStandIn:
    """``with ElasticsearchStandIn() as es: es.url``: ES 9 look-alike on loopback."""

    def __init__(
        self,
        *,
        auto_create: bool = True,
        basic_auth: tuple[str, str] | None = None,
        api_key: str | None = None,
        certfile: str | None = None,
        keyfile: str | None = None,
    ) -> None:
        self.auto_create = auto_create
        self.basic_auth = basic_auth
        self.api_key = api_key
        self.write_delay = 0.0
        self.read_delay = 0.0
        self.reject: Callable[[str, str, dict], str | None] | None = None
        self.before: Callable[[Request], None] | None = None
        self.write_status: int | None = None
        #: None: computed (green, or yellow while replicas cannot be placed).
        self.health: str | None = None
        self.indices: dict[str, Index] = {}
        self.requests: list[Request] = []
        self.lock = threading.RLock()
        self._scrolls: dict[str, list] = {}
        self.server = QuietServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        scheme = "http"
        if certfile:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certfile, keyfile)
            self.server.socket = context.wrap_socket(
                self.server.socket, server_side=True
            )
            scheme = "https"
        self.port = self.server.server_address[1]
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> ElasticsearchStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    # What tests read -------------------------------------------------------

    def resolve(self, name: str) -> list[Index]:
        """Concrete indices a name (index, alias, comma list, wildcard) targets."""
        found: list[Index] = []
        for part in name.split(","):
            if "*" in part:
                pattern = re.compile("^" + re.escape(part).replace(r"\*", ".*") + "$")
                found.extend(
                    i
                    for i in self.indices.values()
                    if pattern.match(i.name) or any(pattern.match(a) for a in i.aliases)
                )
            elif part in self.indices:
                found.append(self.indices[part])
            else:
                aliased = [i for i in self.indices.values() if part in i.aliases]
                if not aliased:
                    raise not_found(part)
                found.extend(aliased)
        return list({id(i): i for i in found}.values())

    def documents(self, name: str) -> dict[str, dict]:
        """Every document a name targets, by id (duplicates across indices merge)."""
        with self.lock:
            return {
                doc_id: copy.deepcopy(source)
                for index in self.resolve(name)
                for doc_id, source in index.docs.items()
            }

    def aliased(self, alias: str) -> list[str]:
        with self.lock:
            return sorted(i.name for i in self.indices.values() if alias in i.aliases)

    def add_documents(self, index: str, documents: dict[str, dict]) -> None:
        """Seeds documents directly (e.g. 10,001 hits for the result window)."""
        with self.lock:
            target = self.indices[index]
            for doc_id, source in documents.items():
                target.docs[doc_id] = copy.deepcopy(source)
                target.searchable[doc_id] = with_copies(target.mappings, source)

    # Writes ----------------------------------------------------------------

    def write_index(self, name: str) -> Index:
        """The one index a write to ``name`` lands in; auto-creates like ES."""
        if name in self.indices:
            return self.indices[name]
        aliased = [i for i in self.indices.values() if name in i.aliases]
        if len(aliased) == 1:
            return aliased[0]
        if aliased:
            writers = [i for i in aliased if i.aliases[name].get("is_write_index")]
            if len(writers) == 1:
                return writers[0]
            raise EsError(
                400,
                "illegal_argument_exception",
                f"no write index is defined for alias [{name}]. The write index may be "
                "explicitly disabled using is_write_index=false or the alias points to "
                "multiple indices without one being designated as a write index",
            )
        if not self.auto_create:
            raise EsError(
                404,
                "index_not_found_exception",
                f"no such index [{name}] and [action.auto_create_index] is [false]",
                index=name,
            )
        index = Index(name, auto_created=True)
        self.indices[name] = index
        return index

    def put_document(self, name: str, doc_id: str, source: dict) -> tuple[int, dict]:
        index = self.write_index(name)
        reason = self.reject(index.name, doc_id, source) if self.reject else None
        if reason:
            raise EsError(400, "document_parsing_exception", reason)
        dynamic_properties(source, index.mappings.setdefault("properties", {}))
        created = doc_id not in index.docs
        index.docs[doc_id] = copy.deepcopy(source)
        index.searchable[doc_id] = with_copies(index.mappings, source)
        result = "created" if created else "updated"
        return (201 if created else 200), {
            "_index": index.name,
            "_id": doc_id,
            "result": result,
            "_shards": {"total": 1, "successful": 1, "failed": 0},
        }

    def update_document(self, name: str, doc_id: str, body: dict) -> tuple[int, dict]:
        """A partial update, as ES 9 does it: ``doc`` is merged into the stored
        source (objects deeply); a missing document is a 404 unless
        ``doc_as_upsert``; an update that changes nothing is a ``noop``."""
        index = self.write_index(name)
        partial = body.get("doc", {})
        current = index.docs.get(doc_id)
        if current is None:
            if not body.get("doc_as_upsert"):
                raise EsError(
                    404,
                    "document_missing_exception",
                    f"[{doc_id}]: document missing",
                    index=index.name,
                    shard="0",
                )
            return self.put_document(index.name, doc_id, partial)
        merged = _merged(current, partial)
        if merged == current:
            return 200, {"_index": index.name, "_id": doc_id, "result": "noop"}
        _status, result = self.put_document(index.name, doc_id, merged)
        return 200, {**result, "result": "updated"}

    def delete_document(self, name: str, doc_id: str) -> tuple[int, dict]:
        index = self.write_index(name)
        found = index.docs.pop(doc_id, None) is not None
        index.searchable.pop(doc_id, None)
        return (200 if found else 404), {
            "_index": index.name,
            "_id": doc_id,
            "result": "deleted" if found else "not_found",
        }

    def bulk(self, request: Request, default_index: str | None) -> dict:
        lines = request.json_lines()
        items, errors, i = [], False, 0
        while i < len(lines):
            ((action, meta),) = lines[i].items()
            i += 1
            source = None
            if action in ("index", "create", "update"):
                source = lines[i]
                i += 1
            name = meta.get("_index") or default_index
            doc_id = str(meta.get("_id"))
            try:
                if action == "delete":
                    status, result = self.delete_document(name, doc_id)
                elif action == "update":
                    status, result = self.update_document(name, doc_id, source)
                else:
                    status, result = self.put_document(name, doc_id, source)
            except EsError as error:
                errors = True
                status, result = (
                    error.status,
                    {
                        "_index": name,
                        "_id": doc_id,
                        "error": {"type": error.kind, "reason": error.reason},
                    },
                )
            items.append({action: {**result, "status": status}})
        return {"took": 1, "errors": errors, "items": items}

    def create_index(self, name: str, body: dict) -> dict:
        if name in self.indices:
            raise EsError(
                400,
                "resource_already_exists_exception",
                f"index [{name}] already exists",
            )
        if any(name in i.aliases for i in self.indices.values()):
            raise EsError(
                400,
                "invalid_index_name_exception",
                f"Invalid index name [{name}], an alias with the same name "
                "already exists",
            )
        index = Index(name, settings=copy.deepcopy(body.get("settings", {})))
        merge_properties(
            index.mappings["properties"], body.get("mappings", {}).get("properties", {})
        )
        put_meta(index, body.get("mappings", {}))
        for alias, spec in body.get("aliases", {}).items():
            index.aliases[alias] = spec or {}
        self.indices[name] = index
        return {"acknowledged": True, "shards_acknowledged": True, "index": name}

    def delete_index(self, name: str) -> dict:
        if name not in self.indices:
            if any(name in i.aliases for i in self.indices.values()):
                raise EsError(
                    400,
                    "illegal_argument_exception",
                    f"The provided expression [{name}] matches an alias, specify the "
                    "corresponding concrete indices instead.",
                )
            for index in self.resolve(name):  # wildcards
                del self.indices[index.name]
            return {"acknowledged": True}
        del self.indices[name]
        return {"acknowledged": True}

    def update_aliases(self, body: dict) -> dict:
        """All actions or none, as one cluster-state update.

        As ES (MetadataIndexAliasesService): ``remove_index`` actions apply
        first, so an alias may take the name of an index the same request
        deletes, and an ``add``/``remove`` naming such an index is a 404; an
        alias may not take the name of an index that stays.
        """
        indices = copy.deepcopy(self.indices)
        actions = [next(iter(entry.items())) for entry in body.get("actions", [])]
        for action, spec in actions:
            if action == "remove_index":
                for name in spec.get("indices") or [spec.get("index")]:
                    if name not in indices:
                        raise not_found(name)
                    del indices[name]
        for action, spec in actions:
            if action != "remove_index":
                _alias_change(indices, action, spec)
        self.indices = indices
        return {"acknowledged": True}

    # Reads -----------------------------------------------------------------

    def search(self, name: str | None, body: dict, params: dict) -> dict:
        targets = self.resolve(name) if name else list(self.indices.values())
        start = int(params.get("from", body.get("from", 0)))
        size = int(params.get("size", body.get("size", 10)))
        window = min(
            (i.max_result_window for i in targets), default=DEFAULT_MAX_RESULT_WINDOW
        )
        if start + size > window:
            raise EsError(
                400,
                "illegal_argument_exception",
                f"Result window is too large, from + size must be less than or equal "
                f"to: [{window}] but was [{start + size}]. See the scroll api for a "
                "more efficient way to request large data sets. This limit can be set "
                "by changing the [index.max_result_window] index level setting.",
            )
        hits = [
            (index, doc_id, source)
            for index in targets
            for doc_id, source in index.searchable.items()
            if matches(body.get("query"), {**source, "_id": doc_id})
        ]
        if "sort" in body:
            hits = sort_hits(targets, hits, body["sort"])
        total = len(hits)
        if "scroll" in params:
            scroll_id = f"scroll{len(self._scrolls) + 1}"
            self._scrolls[scroll_id] = hits[size:]
            page, extra = hits[:size], {"_scroll_id": scroll_id}
        else:
            page, extra = hits[start : start + size], {}
        aggs = body.get("aggregations", body.get("aggs"))
        if aggs:
            extra["aggregations"] = aggregate(targets, hits, aggs)
        return {
            "took": 1,
            "timed_out": False,
            **extra,
            "_shards": {"total": len(targets), "successful": len(targets), "failed": 0},
            "hits": {
                "total": {
                    "value": min(total, 10_000),
                    "relation": "eq" if total <= 10_000 else "gte",
                },
                "max_score": 1.0 if page else None,
                "hits": [_hit(index, doc_id, source) for index, doc_id, source in page],
            },
        }

    def scroll(self, body: dict, params: dict) -> dict:
        scroll_id = body.get("scroll_id") or params.get("scroll_id")
        if scroll_id not in self._scrolls:
            raise EsError(
                404,
                "search_context_missing_exception",
                f"No search context found for id [{scroll_id}]",
            )
        hits, self._scrolls[scroll_id] = (
            self._scrolls[scroll_id][:100],
            self._scrolls[scroll_id][100:],
        )
        return {
            "_scroll_id": scroll_id,
            "hits": {
                "total": {"value": len(hits), "relation": "eq"},
                "hits": [_hit(*h) for h in hits],
            },
        }

    def count(self, name: str | None, body: dict) -> dict:
        targets = self.resolve(name) if name else list(self.indices.values())
        total = sum(
            1
            for index in targets
            for doc_id, source in index.searchable.items()
            if matches(body.get("query"), {**source, "_id": doc_id})
        )
        return {
            "count": total,
            "_shards": {"total": len(targets), "successful": len(targets), "failed": 0},
        }


def _alias_change(indices: dict[str, Index], action: str, spec: dict) -> None:
    """One ``add`` or ``remove`` action of ``_aliases``, applied to ``indices``."""
    if action not in ("add", "remove"):
        raise EsError(400, "parsing_exception", f"unknown alias action [{action}]")
    names = spec.get("indices") or [spec.get("index")]
    aliases = spec.get("aliases") or [spec.get("alias")]
    for name in names:
        if name not in indices:
            raise not_found(name)
        for alias in aliases:
            if action == "remove":
                if alias not in indices[name].aliases:
                    raise EsError(
                        404, "aliases_not_found_exception", f"aliases [{alias}] missing"
                    )
                del indices[name].aliases[alias]
            elif alias in indices:
                raise EsError(
                    400,
                    "invalid_alias_name_exception",
                    f"Invalid alias name [{alias}]: an index or data stream exists "
                    "with the same name as the alias",
                )
            else:
                extra = {k: v for k, v in spec.items() if k == "is_write_index"}
                indices[name].aliases[alias] = extra


def _merged(source: dict, partial: dict) -> dict:
    """``partial`` merged into a copy of ``source``, objects field by field."""
    merged = copy.deepcopy(source)
    for name, value in partial.items():
        if isinstance(value, dict) and isinstance(merged.get(name), dict):
            merged[name] = _merged(merged[name], value)
        else:
            merged[name] = copy.deepcopy(value)
    return merged


def _hit(index: Index, doc_id: str, source: dict) -> dict:
    return {
        "_index": index.name,
        "_id": doc_id,
        "_score": 1.0,
        "fields": {"pk": [source.get("pk", doc_id)]},
    }


def _info(es, request, m):
    return 200, {
        "name": "standin",
        "cluster_name": "kmpress-standin",
        "version": {"number": "9.1.5", "build_flavor": "default"},
        "tagline": "You Know, for Search",
    }


HEALTH_ORDER = ("red", "yellow", "green")


def _replicas(index: Index) -> int:
    settings = index.settings.get("index", index.settings)
    value = settings.get(
        "number_of_replicas", index.settings.get("index.number_of_replicas", 1)
    )
    return int(value)


def _cluster_health(es, request, m):
    """One node: replicas are never placed, so any index wanting one is yellow."""
    with es.lock:
        status = es.health or (
            "yellow" if any(_replicas(i) > 0 for i in es.indices.values()) else "green"
        )
    wanted = request.query.get("wait_for_status")
    timed_out = bool(wanted) and (
        HEALTH_ORDER.index(status) < HEALTH_ORDER.index(wanted)
    )
    if timed_out:  # ES waits ``timeout`` (30s by default); bounded here
        seconds = re.fullmatch(r"(\d+)(ms|s)?", request.query.get("timeout", "30s"))
        time.sleep(min(1.0, int(seconds[1]) / (1000 if seconds[2] == "ms" else 1)))
    body = {
        "cluster_name": "kmpress-standin",
        "status": status,
        "timed_out": timed_out,
        "number_of_nodes": 1,
        "number_of_data_nodes": 1,
    }
    return (408 if timed_out else 200), body


def _get_alias(es, request, m):
    names = es.aliased(m["alias"])
    if not names:
        return 404, {"error": f"alias [{m['alias']}] missing", "status": 404}
    return 200, {name: {"aliases": {m["alias"]: {}}} for name in names}


def _describe(es, request, m):
    return 200, {
        i.name: {"aliases": i.aliases, "mappings": i.mappings, "settings": i.settings}
        for i in es.resolve(m["index"])
    }


def _head_index(es, request, m):
    es.resolve(m["index"])
    return 200, None


def _put_mapping(es, request, m):
    for index in es.resolve(m["index"]):
        merge_properties(
            index.mappings.setdefault("properties", {}),
            request.json().get("properties", {}),
        )
        put_meta(index, request.json())
    return 200, {"acknowledged": True}


def put_meta(index: Index, mappings: dict) -> None:
    """``_meta``: stored as given and returned with the mapping; a later
    ``PUT _mapping`` carrying ``_meta`` replaces it whole, as in ES."""
    if "_meta" in mappings:
        index.mappings["_meta"] = copy.deepcopy(mappings["_meta"])


def _get_document(es, request, m):
    name = m["index"]
    index = es.indices[name] if name in es.indices else es.resolve(name)[0]
    source = index.docs.get(m["id"])
    return (200 if source else 404), {
        "_index": index.name,
        "_id": m["id"],
        "found": bool(source),
        "_source": source,
    }


def _alias_action(action: str):
    def handle(es, request, m):
        actions = [
            {action: {"index": i.name, "alias": m["alias"]}}
            for i in es.resolve(m["index"])
        ]
        return 200, es.update_aliases({"actions": actions})

    return handle


SHARDS = {"_shards": {"total": 1, "successful": 1, "failed": 0}}
INDEX = r"(?P<index>[^_/][^/]*)"
#: (methods, path pattern, handler): the first match answers.
ROUTES = [
    ("GET HEAD", r"", _info),
    ("GET", r"_cluster/health", _cluster_health),
    ("POST PUT", r"_bulk", lambda es, r, m: (200, es.bulk(r, None))),
    ("POST", r"_aliases", lambda es, r, m: (200, es.update_aliases(r.json()))),
    ("GET HEAD", r"_alias/(?P<alias>[^/]+)", _get_alias),
    ("DELETE", r"_search/scroll", lambda es, r, m: (200, {"succeeded": True})),
    (
        "GET POST",
        r"_search/scroll",
        lambda es, r, m: (200, es.scroll(r.json(), r.query)),
    ),
    (
        "GET POST",
        r"_search",
        lambda es, r, m: (200, es.search(None, r.json(), r.query)),
    ),
    ("GET POST", r"_count", lambda es, r, m: (200, es.count(None, r.json()))),
    ("HEAD", INDEX, _head_index),
    ("GET", INDEX, _describe),
    ("PUT", INDEX, lambda es, r, m: (200, es.create_index(m["index"], r.json()))),
    ("DELETE", INDEX, lambda es, r, m: (200, es.delete_index(m["index"]))),
    (
        "GET",
        INDEX + r"/_mapping",
        lambda es, r, m: (
            200,
            {i.name: {"mappings": i.mappings} for i in es.resolve(m["index"])},
        ),
    ),
    ("PUT POST", INDEX + r"/_mapping", _put_mapping),
    (
        "GET",
        INDEX + r"/_settings",
        lambda es, r, m: (
            200,
            {i.name: {"settings": i.settings} for i in es.resolve(m["index"])},
        ),
    ),
    ("GET", INDEX + r"/_doc/(?P<id>[^/]+)", _get_document),
    (
        "DELETE",
        INDEX + r"/_doc/(?P<id>[^/]+)",
        lambda es, r, m: es.delete_document(m["index"], m["id"]),
    ),
    (
        "PUT POST",
        INDEX + r"/_(?:doc|create)/(?P<id>[^/]+)",
        lambda es, r, m: es.put_document(m["index"], m["id"], r.json()),
    ),
    ("POST PUT", INDEX + r"/_bulk", lambda es, r, m: (200, es.bulk(r, m["index"]))),
    (
        "POST GET",
        INDEX + r"/_refresh",
        lambda es, r, m: (es.resolve(m["index"]) and 200, SHARDS),
    ),
    (
        "GET POST",
        INDEX + r"/_search",
        lambda es, r, m: (200, es.search(m["index"], r.json(), r.query)),
    ),
    (
        "GET POST",
        INDEX + r"/_count",
        lambda es, r, m: (200, es.count(m["index"], r.json())),
    ),
    ("PUT POST", INDEX + r"/_alias/(?P<alias>[^/]+)", _alias_action("add")),
    ("DELETE", INDEX + r"/_alias/(?P<alias>[^/]+)", _alias_action("remove")),
]
COMPILED = [
    (methods.split(), re.compile(pattern + "$"), handle)
    for methods, pattern, handle in ROUTES
]


def _route(es: ElasticsearchStandIn, request: Request) -> tuple[int, Any]:
    path = unquote(request.path.strip("/"))
    for methods, pattern, handle in COMPILED:
        match = pattern.match(path)
        if match and request.method in methods:
            return handle(es, request, match)
    raise EsError(
        400,
        "invalid_index_name_exception",
        f"unsupported endpoint [{request.method} {request.path}]",
    )


WRITES = ("_doc", "_create", "_bulk")
#: What ``read_delay`` slows: query execution. Index metadata (``GET index``,
#: mappings, aliases, cluster health) comes from the cluster state and stays
#: fast on a cluster whose searches are slow, as in ES.
SEARCHES = ("_search", "_count", "_msearch")
CLUSTER_FAILURES = {
    429: (
        "es_rejected_execution_exception",
        "rejected execution of coordinating operation [shard_detail=[kmpress][0]]",
    ),
    503: (
        "unavailable_shards_exception",
        "[kmpress][0] primary shard is not active Timeout: [1m]",
    ),
}


def cluster_failure(status: int) -> dict:
    """The body ES 9 sends when the cluster, not the document, fails a write."""
    kind, reason = CLUSTER_FAILURES.get(status, ("exception", "stand-in failure"))
    return EsError(status, kind, reason).body()


def _authorised(es: ElasticsearchStandIn, header: str) -> bool:
    if es.basic_auth is None and es.api_key is None:
        return True
    scheme, _, value = header.partition(" ")
    if scheme == "Basic" and es.basic_auth:
        return base64.b64decode(value or "=").decode(errors="replace") == ":".join(
            es.basic_auth
        )
    if scheme == "ApiKey" and es.api_key:
        return value == es.api_key
    return False


def _handler(es: ElasticsearchStandIn):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            url = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            request = Request(self.command, url.path, query, body, dict(self.headers))
            es.requests.append(request)
            if not _authorised(es, self.headers.get("Authorization", "")):
                error = EsError(
                    401,
                    "security_exception",
                    "missing authentication credentials for REST request",
                )
                return self._send(
                    401,
                    error.body(),
                    {"WWW-Authenticate": 'Basic realm="security", ApiKey'},
                )
            if es.before is not None:
                es.before(request)
            is_write = any(w in url.path for w in WRITES) and self.command != "GET"
            is_search = any(r in url.path for r in SEARCHES)
            delay = es.write_delay if is_write else es.read_delay if is_search else 0
            if delay:
                time.sleep(delay)
            if is_write and es.write_status:
                return self._send(es.write_status, cluster_failure(es.write_status))
            try:
                with es.lock:
                    status, payload = _route(es, request)
            except EsError as error:
                status, payload = error.status, error.body()
            except (ValueError, KeyError, TypeError) as error:
                status, payload = (
                    400,
                    EsError(400, "parse_exception", repr(error)).body(),
                )
            self._send(status, payload)

        def _send(self, status: int, payload: Any, headers: dict | None = None) -> None:
            data = b"" if payload is None else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header(
                "Content-Type", "application/vnd.elasticsearch+json;compatible-with=9"
            )
            self.send_header("X-Elastic-Product", "Elasticsearch")
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer

    return Handler
