//! `konform suite new NAME`: the files of a new suite that lints clean, as a
//! starting point that shows the format's parts (a requirement that names
//! its class, a case that verifies it, a named step sequence, a table).

/// `(path relative to the suite folder, text)` of a new suite `name@0.1.0`.
pub fn scaffold(name: &str) -> Vec<(String, String)> {
    let suite = format!(
        r#"# Conformance suite for the interface `{name}`. The format: schemas/konform/suite.schema.json,
# reuse (sequences, tables, shared fragments): schemas/konform/REUSE.md, verdicts:
# schemas/konform/VERDICTS.md. Check it with `konform suite lint <this folder>`.
suite: {name}
version: 0.1.0
title: {name} — conformance suite
description: |
  What the suite certifies, what it writes to a target and how to clean up after it.
interface:
  name: {name}
  version: "1.0"
  # The interface's OpenAPI 3.1 document, relative to schemas/ (e.g. {name}/1.0/openapi.yaml):
  # lint then checks every request and expected status against it, and probes and
  # `konform suite coverage` derive cases and gaps from it.
  # openapi: {name}/1.0/openapi.yaml

# Values only the target knows; a target file may override them.
fixtures:
  existing_id: "1"

requirements:
  - id: QS-001
    level: MUST
    text: GET / answers without authentication with 200 and a JSON service description.
    source: "{name} 1.0, GET /"
    class: querschnitt

classes:
  - id: querschnitt
    title: Shared conventions
"#
    );
    let cases = r#"# Cases of the class querschnitt. Each case verifies the requirements in `verifies`; a check
# may name its own (`verifies: [..]` on the check or the step).
sequences:
  # A named step sequence: used below with `- use: describe`.
  describe:
    params: [status]
    steps:
      - name: describe
        request: { method: GET, path: /, auth: none }
        expect: { status: "{{ params.status }}" }

cases:
  - id: querschnitt.service-description
    title: GET / answers without authentication
    class: querschnitt
    verifies: [QS-001]
    steps:
      - use: describe
        with: { status: 200 }

  # A table: one case per row, each with its own id.
  - table:
      columns: [name, accept]
      rows:
        - [json, application/json]
        - [any, "*/*"]
    case:
      id: "querschnitt.service-description-accepts-{{ params.name }}"
      title: "GET / with Accept: {{ params.accept }}"
      class: querschnitt
      verifies: [QS-001]
      steps:
        - name: describe
          request: { method: GET, path: /, auth: none, headers: { Accept: "{{ params.accept }}" } }
          expect: { status: 200 }
"#;
    vec![
        ("suite.yaml".to_string(), suite),
        ("cases/querschnitt.yaml".to_string(), cases.to_string()),
    ]
}
