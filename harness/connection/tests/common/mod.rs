//! Shared test helpers: start an axum app on a loopback port, build a target
//! file from JSON, and an env lookup backed by a map (tests never touch the
//! process environment).
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;

use konform_model::target::TargetFile;

pub fn init_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Serves `app` on 127.0.0.1 (random port) in the background.
pub async fn serve(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

/// A loopback port nobody listens on (bound, then released).
pub fn dead_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

pub fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name: &str| map.get(name).cloned()
}

/// A target file with the given base URL and extra top-level fields.
pub fn target(base_url: &str, extra: serde_json::Value) -> TargetFile {
    let mut v = serde_json::json!({
        "identity": {"operator": "Test", "vendor": "Test", "product": "p", "version": "1"},
        "base_url": base_url,
    });
    if let (Some(obj), Some(extra)) = (v.as_object_mut(), extra.as_object()) {
        for (k, val) in extra {
            obj.insert(k.clone(), val.clone());
        }
    }
    serde_json::from_value(v).expect("valid target file")
}
