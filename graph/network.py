"""The usage network: who uses which resource, and who produces it, read from the store in two queries.

Nodes are resources, their producers, and the users of their usages: the agent of a usage
(``prov:wasAssociatedWith``) when it names one, else the service it goes through (``duv:hasUsageTool``),
else the use-case story it comes from (``dct:source``). Edges are usages (user -> resource, labelled with the
purpose), production (producer -> resource) and operation (the publisher of a service -> the service).
Filters (theme, kind, organisation) keep a set of resources and every edge that touches them.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from graph.namespaces import FOAF, ORG
from graph.store.base import Store, Term

USAGES = """
SELECT ?usage ?resource ?purpose ?agent ?agentName ?agentType ?tool ?toolName ?operator ?operatorName ?operatorType
       ?source ?sourceTitle
WHERE {
  ?usage a duv:Usage ; duv:refersTo ?resource .
  ?resource a dcat:Resource .
  OPTIONAL { ?usage dct:description ?purpose }
  OPTIONAL {
    ?usage prov:wasAssociatedWith ?agent .
    OPTIONAL { ?agent foaf:name ?agentName }
    OPTIONAL { ?agent a ?agentType . FILTER(?agentType IN (foaf:Person, org:Organization)) }
  }
  OPTIONAL {
    ?usage duv:hasUsageTool ?tool .
    OPTIONAL { ?tool dct:title ?toolName }
    OPTIONAL {
      ?tool dct:publisher ?operator .
      OPTIONAL { ?operator foaf:name ?operatorName }
      OPTIONAL { ?operator a ?operatorType . FILTER(?operatorType IN (foaf:Person, org:Organization)) }
    }
  }
  OPTIONAL { ?usage dct:source ?source . OPTIONAL { ?source dct:title ?sourceTitle } }
}
"""

RESOURCES = """
SELECT ?resource ?title ?kind ?kindLabel ?theme ?themeLabel ?publisher ?publisherName ?publisherType
WHERE {
  ?resource a dcat:Resource ; dct:title ?title .
  %s
  OPTIONAL { ?resource dct:type ?kind . OPTIONAL { ?kind skos:prefLabel ?kindLabel } }
  OPTIONAL { ?resource dcat:theme ?theme . OPTIONAL { ?theme skos:prefLabel ?themeLabel } }
  OPTIONAL {
    ?resource dct:publisher ?publisher .
    OPTIONAL { ?publisher foaf:name ?publisherName }
    OPTIONAL { ?publisher a ?publisherType . FILTER(?publisherType IN (foaf:Person, org:Organization)) }
  }
}
"""
USED_ONLY = "FILTER EXISTS { { ?usage a duv:Usage ; duv:refersTo ?resource } UNION { ?q a schema:Question ; schema:about ?resource } }"
# who asks about a resource, who answers on it (the author of a question or an answer: a person, or a name)
ASKED = """
SELECT ?item ?kind ?resource ?title ?author ?authorName ?authorType WHERE {
  {
    ?item a schema:Question ; schema:about ?resource . BIND("question" AS ?kind)
    OPTIONAL { ?item schema:name ?title }
  } UNION {
    ?item a schema:Answer ; schema:parentItem ?q . ?q schema:about ?resource . BIND("answer" AS ?kind)
    OPTIONAL { ?q schema:name ?title }
  }
  ?resource a dcat:Resource .
  ?item schema:author ?author .
  OPTIONAL { ?author foaf:name ?authorName }
  OPTIONAL { ?author a ?authorType . FILTER(?authorType IN (foaf:Person, org:Organization)) }
}
"""
SCOPES = ("used", "all")

# node types, in the order of the legend
TYPES = {
    "resource": "Ressource",
    "organisation": "Organisation",
    "person": "Personne",
    "service": "Service",
    "story": "Retour d'expérience",
}
EDGE_KINDS = {
    "usage": "Usage",
    "production": "Production",
    "operation": "Opère le service",
    "question": "Pose une question",
    "answer": "Répond à une question",
}


@dataclass
class Node:
    id: str
    label: str
    type: str
    themes: list[tuple[str, str]] = field(default_factory=list)  # (IRI, label), resources only
    kind: tuple[str, str] | None = None  # (IRI, label), resources only
    degree: int = 0


@dataclass(frozen=True)
class Edge:
    id: str
    source: str
    target: str
    kind: str  # usage, production, operation
    label: str = ""  # the purpose of a usage
    usage: str = ""  # the usage IRI (for a question or an answer: its IRI)


@dataclass
class Network:
    nodes: dict[str, Node]
    edges: list[Edge]

    def counts(self) -> dict[str, int]:
        kinds = Counter(e.kind for e in self.edges)
        types = Counter(n.type for n in self.nodes.values())
        return {
            "nodes": len(self.nodes),
            "edges": len(self.edges),
            **{f"{k}s": kinds.get(k, 0) for k in EDGE_KINDS},
            **{f"{t}_nodes": types.get(t, 0) for t in TYPES},
        }

    def options(self) -> dict[str, list[tuple[str, str]]]:
        """What the filters may choose from: the themes, kinds and organisations (or people) of this network."""
        themes = {iri: label for n in self.nodes.values() for iri, label in n.themes}
        kinds = dict(n.kind for n in self.nodes.values() if n.kind)
        agents = {n.id: n.label for n in self.nodes.values() if n.type in ("organisation", "person")}
        return {
            name: sorted(d.items(), key=lambda kv: sort_key(kv[1]))
            for name, d in (("theme", themes), ("kind", kinds), ("organisation", agents))
        }

    def filtered(self, theme: str | None = None, kind: str | None = None, organisation: str | None = None) -> Network:
        """The resources matching every filter given, with every edge that touches them (and the services'
        operators). An organisation matches the resources it produces and those it uses, itself or
        through a service it publishes."""
        if not (theme or kind or organisation):
            return self
        keep = {i for i, n in self.nodes.items() if n.type == "resource"}
        if theme:
            keep = {i for i in keep if any(t == theme for t, _ in self.nodes[i].themes)}
        if kind:
            keep = {i for i in keep if (k := self.nodes[i].kind) is not None and k[0] == kind}
        if organisation:
            tools = {e.target for e in self.edges if e.kind == "operation" and e.source == organisation}
            touched = {e.target for e in self.edges if e.kind != "operation" and e.source in {organisation, *tools}}
            keep &= touched
        edges = [e for e in self.edges if e.kind != "operation" and e.target in keep]
        users = {e.source for e in edges}
        edges += [e for e in self.edges if e.kind == "operation" and e.target in users]
        return _assemble(self.nodes, keep, edges)


def build(store: Store, scope: str = "used") -> Network:
    """The network over the whole store: resources with at least one usage (scope 'used') or every resource."""
    nodes: dict[str, Node] = {}
    labels: dict[str, list[Term]] = {}
    themes: dict[str, dict[str, list[Term]]] = {}
    kinds: dict[str, dict[str, list[Term]]] = {}
    edges: dict[str, Edge] = {}

    def node(term: Term | None, type_: str, label: Term | None) -> str | None:
        if not isinstance(term, NamedNode):
            return None
        n = nodes.setdefault(term.value, Node(term.value, "", type_))
        if type_ == "resource" or n.type not in ("resource", "organisation", "person"):
            n.type = type_
        if label is not None:
            labels.setdefault(term.value, []).append(label)
        return term.value

    query = RESOURCES % (USED_ONLY if scope == "used" else "")
    for res, title, kind, kind_label, theme, theme_label, pub, pub_name, pub_type in store.select(query).rows:
        rid = node(res, "resource", title)
        if rid is None:
            continue
        if isinstance(theme, NamedNode):
            themes.setdefault(rid, {}).setdefault(theme.value, []).extend([theme_label] if theme_label else [])
        if isinstance(kind, NamedNode):
            kinds.setdefault(rid, {}).setdefault(kind.value, []).extend([kind_label] if kind_label else [])
        pid = node(pub, _agent_type(pub_type), pub_name)
        if pid is not None:
            edges.setdefault(f"production:{pid}>{rid}", Edge(f"production:{pid}>{rid}", pid, rid, "production"))
    purposes: dict[str, list[Term]] = {}
    usage_ends: dict[str, tuple[str, str]] = {}
    for row in store.select(USAGES).rows:
        usage, res, purpose, agent, agent_name, agent_type, tool, tool_name, op, op_name, op_type, src, src_title = row
        if not isinstance(usage, NamedNode) or not isinstance(res, NamedNode) or res.value not in nodes:
            continue
        if purpose is not None:
            purposes.setdefault(usage.value, []).append(purpose)
        user = node(agent, _agent_type(agent_type), agent_name)
        if user is None and (user := node(tool, "service", tool_name)) is not None:
            oid = node(op, _agent_type(op_type), op_name)
            if oid is not None:
                key = f"operation:{oid}>{user}"
                edges.setdefault(key, Edge(key, oid, user, "operation"))
        if user is None:
            user = node(src, "story", src_title)
        if user is None:
            user = node(usage, "story", purpose)  # a usage that names no one stands for itself
        assert user is not None
        previous = usage_ends.get(usage.value)
        if previous is None or _rank(nodes[user].type) < _rank(nodes[previous[0]].type):
            usage_ends[usage.value] = (user, res.value)
    for usage_iri, (user, rid) in usage_ends.items():
        purpose_text = _pick(purposes.get(usage_iri, []))
        edges[f"usage:{usage_iri}"] = Edge(f"usage:{usage_iri}", user, rid, "usage", purpose_text, usage_iri)
    titles: dict[str, list[Term]] = {}
    for item, kind, res, title, author, author_name, author_type in store.select(ASKED).rows:
        if not isinstance(item, NamedNode) or not isinstance(res, NamedNode) or res.value not in nodes:
            continue
        if title is not None:
            titles.setdefault(item.value, []).append(title)
        asker = node(author, "organisation" if author_type == ORG.Organization else "person", author_name)
        if asker is not None and isinstance(kind, Literal):
            key = f"{kind.value}:{item.value}>{res.value}"
            edges.setdefault(key, Edge(key, asker, res.value, kind.value, "", item.value))
    for key, e in list(edges.items()):
        if e.kind in ("question", "answer"):
            edges[key] = Edge(e.id, e.source, e.target, e.kind, _pick(titles.get(e.usage, [])), e.usage)
    for n in nodes.values():
        n.label = _pick(labels.get(n.id, [])) or _short(n.id)
        n.themes = sorted(
            ((t, _pick(ls) or _short(t)) for t, ls in themes.get(n.id, {}).items()), key=lambda tl: sort_key(tl[1])
        )
        k = next(iter(kinds.get(n.id, {}).items()), None)
        n.kind = (k[0], _pick(k[1]) or _short(k[0])) if k else None
    all_edges = sorted(edges.values(), key=lambda e: (e.kind, e.source, e.target, e.id))
    return _assemble(nodes, {i for i, n in nodes.items() if n.type == "resource"}, all_edges)


def _assemble(nodes: dict[str, Node], resources: Iterable[str], edges: list[Edge]) -> Network:
    degree: Counter[str] = Counter()
    for e in edges:
        degree[e.source] += 1
        degree[e.target] += 1
    kept = set(resources) | set(degree)
    out = {}
    for i in sorted(kept, key=lambda i: (sort_key(nodes[i].label), i)):
        n = nodes[i]
        out[i] = Node(n.id, n.label, n.type, n.themes, n.kind, degree.get(i, 0))
    return Network(out, edges)


def _agent_type(term: Term | None) -> str:
    return "person" if term == FOAF.Person else "organisation"


def _rank(type_: str) -> int:
    """Which user a usage is drawn from when it names several: an agent, then a service, then a story."""
    return {"organisation": 0, "person": 0, "service": 1}.get(type_, 2)


def _pick(literals: list[Term]) -> str:
    """The French value of a text, else the untagged one, else any: the same choice every time."""
    texts = [t for t in literals if isinstance(t, Literal)]
    for wanted in ("fr", ""):
        found = sorted(t.value for t in texts if (t.language or "").split("-")[0] == wanted)
        if found:
            return found[0]
    return sorted(t.value for t in texts)[0] if texts else ""


def _short(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri


def sort_key(label: str) -> str:
    """Labels in alphabetical order whatever their accents and case."""
    return unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().casefold()
