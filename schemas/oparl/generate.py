#!/usr/bin/env python3
"""Render the OParl schema/*.json files (not valid JSON Schema as they stand) into one
JSON Schema 2020-12 document per version, applying the prose rules listed in README.md.

Usage: generate.py <spec-git-dir> <rev> <version> <out.json>
  e.g. generate.py /path/to/OParl-spec/.git v1.1.1 1.1 schemas/oparl/1.1/schemas.json
"""
import json
import subprocess
import sys

GIT, REV, VER, OUT = sys.argv[1:5]
TYPES = ["System", "Body", "LegislativeTerm", "Organization", "Person", "Membership",
         "Meeting", "AgendaItem", "Consultation", "Paper", "File", "Location"]
# 1.0, 3-01: created/modified are MUST only for types "die nicht in anderen Objekten intern
# ausgegeben werden"; 4-01 names the six embedded ones.
EMBEDDED_10 = {"LegislativeTerm", "Membership", "AgendaItem", "Consultation", "File", "Location"}
SECTION = {t: f"3-00 'Schema', section 'Die Objekte' (#objekttypen), oparl:{t}" for t in TYPES}
BASE = f"https://schema.oparl.org/{VER}/"
COMMIT = subprocess.run(["git", "-C", GIT, "rev-parse", REV + "^{commit}"], check=True, capture_output=True,
                        text=True).stdout.strip()


def git_show(path):
    return subprocess.run(["git", "-C", GIT, "show", f"{REV}:{path}"], check=True,
                          capture_output=True, text=True).stdout


def files():
    names = subprocess.run(["git", "-C", GIT, "ls-tree", "--name-only", REV, "schema/"],
                           check=True, capture_output=True, text=True).stdout.split()
    return [n for n in names if n.endswith(".json")]


raw = {}  # title -> raw schema object


def collect(node):
    if isinstance(node, dict):
        if node.get("title") in TYPES and "properties" in node:
            raw.setdefault(node["title"], node)
        for v in node.values():
            collect(v)
    elif isinstance(node, list):
        for v in node:
            collect(v)


for f in files():
    collect(json.loads(git_show(f)))
missing = [t for t in TYPES if t not in raw]
assert not missing, missing


def target_of(node):
    """The embedded object type a property node names, if any."""
    for key in ("$ref", "schema"):
        v = node.get(key)
        if isinstance(v, str) and v.endswith(".json"):
            return v[:-5]
    if node.get("title") in TYPES and "properties" in node:
        return node["title"]
    return None


def embedded(t):
    # 2-05: "Bei der internen Ausgabe von Objekten darf der Server keine gelöschten Objekte
    # ausgeben."  Embedded objects are full objects, 1.0 relaxes created/modified there.
    return {"$ref": f"#/$defs/{t}",
            "not": {"required": ["deleted"], "properties": {"deleted": {"const": True}}}}


def convert(node, name):
    if name == "type":
        return None  # set per type below
    if name == "oparlVersion":
        return {"type": "string", "pattern": r"^https://schema\.oparl\.org/1\.[01]/$"}
    if node.get("references") or node.get("oparl:ref") or name in ("id", "body", "organization",
                                                                    "person", "meeting", "paper"):
        OPARL_REFS.add(name)
    if node.get("references") == "externalList":
        return {"$ref": "#/$defs/url", "$comment": "URL of an external object list (2-05)"}
    t = target_of(node)
    if t and node.get("type", "object") == "object":
        return embedded(t)
    typ = node.get("type")
    fmt = node.get("format")
    if typ == "array":
        return {"type": "array", "items": convert(node.get("items", {}), None)}
    if typ == "string":
        if fmt == "url":
            return {"$ref": "#/$defs/url"}
        if fmt == "date":
            return {"$ref": "#/$defs/date"}
        if fmt == "date-time":
            return {"$ref": "#/$defs/dateTime"}
        if name == "ags":
            return {"$ref": "#/$defs/ags"}
        if name == "rgs":
            return {"$ref": "#/$defs/rgs"}
        return {"type": "string"}
    if typ in ("boolean", "integer", "number", "object"):
        out = {"type": typ}
        if typ == "object" and "properties" in node:
            out["properties"] = {k: convert(v, k) for k, v in node["properties"].items()}
        return out
    raise SystemExit(f"unhandled property {name}: {node}")


OPARL_REFS = set()


def url_valued(p):
    if p.get("$ref") == "#/$defs/url":
        return "one"
    if p.get("type") == "array" and p["items"].get("$ref") == "#/$defs/url":
        return "many"
    return None


defs = {}
for t in TYPES:
    r = raw[t]
    required = list(r.get("required", ["id", "type"]))
    props = {}
    for k, v in r["properties"].items():
        c = convert(v, k)
        if c is not None:
            props[k] = c
    props["type"] = {"const": BASE + t}
    props["deleted"] = {"type": "boolean"}
    for k in ("created", "modified", "web", "keyword", "license"):
        props.setdefault(k, {"type": "array", "items": {"type": "string"}} if k == "keyword"
                         else {"$ref": "#/$defs/dateTime"} if k in ("created", "modified")
                         else {"$ref": "#/$defs/url"})
    comments = [f"OParl {VER}, {SECTION[t]}; required members from "
                f"schema/{t}.json, property kinds (URL, external list, embedded) from the same "
                "file; id/type/created/modified/deleted: 3-01."]
    if VER == "1.1":
        required += ["created", "modified"]
        comments.append("created and modified are required on every object: 3-01 (created, "
                        "modified: 'muss in allen Objekttypen angegeben werden. Neu in OParl 1.1: "
                        "... auch in Objekten ... die intern ausgegeben werden') and 4-01; the "
                        "published schema files do not list them.")
    elif t not in EMBEDDED_10:
        required += ["created", "modified"]
        comments.append("created and modified are required: 1.0 3-01 ('muss in allen "
                        "Objekttypen angegeben werden, die nicht in anderen Objekten intern "
                        "ausgegeben werden').")
    else:
        comments.append("created/modified optional in 1.0: this type is output embedded "
                        "(1.0 3-01, 4-01).")
    # Mandatory members must not be null (2-04): the types above already exclude null.
    # Optional members SHOULD NOT be null, "" or [] (2-04): allowed here, flagged in <T>.should.
    for k, v in props.items():
        if k not in required and k not in ("type", "deleted"):
            props[k] = {"anyOf": [v, {"type": "null"}]}
    deleted_keep = ["id", "type", "deleted"] + (["created", "modified"] if
                                                ("created" in required) else [])
    comments.append("Deleted objects (2-08): with deleted: true only " + ", ".join(deleted_keep)
                    + " are required ('dürfen alle weiteren Attribute entfernt werden'); "
                    "modified is the deletion time.")
    defs[t] = {
        "$comment": " ".join(comments),
        "type": "object",
        "required": ["id", "type"],
        "properties": props,
        "if": {"required": ["deleted"], "properties": {"deleted": {"const": True}}},
        "then": {"required": deleted_keep},
        "else": {"required": required},
    }
    # SHOULD level, one def per type
    sprops = {}
    for k, v in props.items():
        if k in ("type", "deleted"):
            continue
        inner = v["anyOf"][0] if "anyOf" in v else v
        rules = []
        if k not in required:
            rules.append({"not": {"enum": [None, "", []]}})
        kind = url_valued(inner) if k in OPARL_REFS else None
        if kind == "one":
            rules.append({"$ref": "#/$defs/httpsUrl"})
        elif kind == "many":
            rules.append({"items": {"$ref": "#/$defs/httpsUrl"}})
        if rules:
            sprops[k] = rules[0] if len(rules) == 1 else {"allOf": rules}
    defs[t + ".should"] = {
        "$comment": f"SHOULD-level rules for {t}, to be applied in addition to #/$defs/{t}: "
                    "2-04 'null-Werte und leere Listen' (optional members SHOULD NOT be null, "
                    "[] or \"\"), 2-03 'HTTP und HTTPS' (HTTPS 'wird empfohlen' - for the OParl "
                    "server's own URLs: id and members that reference OParl objects or lists; "
                    "third-party URLs such as website, license, vendor are not covered). Checks "
                    "this object's own members only, not embedded objects.",
        "x-level": "SHOULD",
        "properties": sprops,
    }

shared = {
    "url": {
        "$comment": "2-04 (Datentypen: url), 2-03 (URLs): an absolute http or https URL (RFC "
                    "3986). HTTPS is only recommended (2-03 'HTTP und HTTPS'), see httpsUrl.",
        "type": "string",
        "pattern": r"^[hH][tT][tT][pP][sS]?://[^\s/?#]+[^\s]*$",
    },
    "httpsUrl": {
        "$comment": "2-03 'HTTP und HTTPS': 'Der Einsatz des verschlüsselten HTTPS wird "
                    "empfohlen' - SHOULD, not MUST.",
        "x-level": "SHOULD",
        "type": "string",
        "pattern": r"^https://",
    },
    "date": {
        "$comment": "2-04 'Datums- und Zeitangaben': date 'muss die Form yyyy-mm-dd besitzen'.",
        "type": "string",
        "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
    },
    "dateTime": {
        "$comment": "2-04 'Datums- und Zeitangaben': date-time 'muss in der Form "
                    "yyyy-mm-ddThh:mm:ss±hh:mm angegeben werden' - offset required, no 'Z', "
                    "no fractional seconds.",
        "type": "string",
        "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):"
                   r"[0-5][0-9]:([0-5][0-9]|60)[+-]([01][0-9]|2[0-3]):[0-5][0-9]$",
    },
    "ags": {
        "$comment": "Body.ags: 'Der achtstellige Amtliche Gemeindeschlüssel' (schema/strings.yml "
                    "/ Body property table).",
        "type": "string",
        "pattern": "^[0-9]{8}$",
    },
    "rgs": {
        "$comment": "Body.rgs: 'Der zwölfstellige Regionalschlüssel'.",
        "type": "string",
        "pattern": "^[0-9]{12}$",
    },
    "ObjectList": {
        "$comment": "2-05 'Paginierung': every list page MUST contain data, pagination, links; "
                    "all pagination members optional; links.next is MUST on every page but the "
                    "last (not decidable from one page, so not required here).",
        "type": "object",
        "required": ["data", "pagination", "links"],
        "properties": {
            "data": {"type": "array", "items": {
                "type": "object", "required": ["id", "type"],
                "properties": {"id": {"$ref": "#/$defs/url"},
                               "type": {"type": "string",
                                        "pattern": "^https://schema\\.oparl\\.org/"
                                                   + VER.replace(".", "\\.") + "/"}}}},
            "pagination": {"type": "object", "properties": {
                k: {"type": "integer", "minimum": 0}
                for k in ("totalElements", "elementsPerPage", "currentPage", "totalPages")}},
            "links": {"type": "object", "properties": {
                k: {"$ref": "#/$defs/url"} for k in ("first", "prev", "self", "next")}},
        },
    },
}
if VER == "1.1":
    shared["Error"] = {
        "$comment": "2-09 'Ausnahmebehandlung' (new in 1.1, 4-01): the server SHOULD output an "
                    "object with type, message, debug; the members are required here because "
                    "the chapter defines the object by them.",
        "type": "object",
        "required": ["type", "message", "debug"],
        "properties": {
            "type": {"const": BASE + "Error"},
            "message": {"type": "string"},
            "debug": {},
        },
    }

doc = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": f"https://konform.invalid/schemas/oparl/{VER}/schemas.json",
    "title": f"OParl {VER} object types (JSON Schema 2020-12 rendering)",
    "$comment": f"Generated by schemas/oparl/generate.py from OParl/spec {REV} = {COMMIT} (schema/*.json) "
                "plus the prose rules cited in each $comment; see schemas/oparl/README.md. "
                "Validate a value against #/$defs/<Type>; SHOULD-level rules are in "
                "#/$defs/<Type>.should and defs marked x-level: SHOULD. Additional properties "
                "are allowed everywhere: 3-00 'Herstellerspezifische Erweiterungen' allows "
                "vendor-prefixed extra members and nothing forbids others.",
    "$defs": {**defs, **shared},
}
with open(OUT, "w", encoding="utf-8") as fh:
    json.dump(doc, fh, ensure_ascii=False, indent=2)
    fh.write("\n")
