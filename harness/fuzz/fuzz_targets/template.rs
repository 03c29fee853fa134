//! The template language: any string is parsed and, when it parses,
//! rendered with a lookup that knows a few values of every JSON type.
#![no_main]

use konform_suite::template::{self, Var};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

fn lookup(var: &Var) -> Option<Value> {
    match var.name.as_str() {
        "s" => Some(json!("Müller")),
        "n" => Some(json!(42)),
        "o" => Some(json!({"a": [1, {"b": null}]})),
        "a" => Some(json!(["x", 1.5, true])),
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = template::render_str(text, &lookup);
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        let _ = template::render_value(&value, &lookup);
    }
});
