// Shared by several test binaries; each uses only some of it.
#![allow(dead_code)]

//! A purpose-built misbehaving HTTP server on loopback, written on raw TCP so
//! it can break HTTP in ways a framework would not let it: wrong statuses,
//! schema violations, silence, truncated and endless bodies, invalid JSON,
//! bodies that are not UTF-8, encodings nobody asked for, resets, JSON nested
//! too deep, answers that change per request, and an echo of the request.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub struct Misbehaving {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Misbehaving {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Misbehaving {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

pub async fn start() -> Misbehaving {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    let task = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(handle(stream));
        }
    });
    Misbehaving { addr, task }
}

/// A server that accepts connections and reads requests but never answers.
pub async fn start_silent() -> Misbehaving {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = read_path(&mut stream).await;
                tokio::time::sleep(Duration::from_secs(30)).await;
            });
        }
    });
    Misbehaving { addr, task }
}

/// Reads the request head and returns the path.
async fn read_path(stream: &mut TcpStream) -> Option<String> {
    read_head(stream).await.map(|(path, _)| path)
}

/// Reads the request head and returns the path and the whole head.
async fn read_head(stream: &mut TcpStream) -> Option<(String, String)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() > 64 * 1024 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let path = head.split_whitespace().nth(1)?.to_string();
    Some((path, head))
}

fn response(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

async fn handle(mut stream: TcpStream) {
    let Some((path, head)) = read_head(&mut stream).await else {
        return;
    };
    if handle_more(&path, &head, &mut stream).await {
        return;
    }
    let json = "application/json";
    let reply = match path.as_str() {
        "/" => response(
            "200 OK",
            json,
            r#"{"interface":"probe","version":"1.0","classes":["core"]}"#,
        ),
        "/ok" => response("200 OK", json, r#"{"id":"a1","plz":"01067"}"#),
        "/wrong-status" => response(
            "500 Internal Server Error",
            "application/problem+json",
            r#"{"type":"about:blank","title":"Internal Server Error","status":500,"detail":"database gone"}"#,
        ),
        "/schema-violation" => response("200 OK", json, r#"{"id":"a1","plz":1067}"#),
        "/invalid-json" => response("200 OK", json, r#"{"id": "a1", "plz": "01067""#),
        "/redirect" => {
            "HTTP/1.1 302 Found\r\nLocation: /ok\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                .to_string()
        }
        "/slow" => {
            // Never answer; the harness must give up on its own.
            tokio::time::sleep(Duration::from_secs(30)).await;
            return;
        }
        "/truncated" => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"id\":";
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.flush().await;
            return; // close with 94 bytes missing
        }
        "/huge" => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let block = vec![b' '; 16 * 1024];
            let chunk_head = format!("{:x}\r\n", block.len());
            // Bounded: at most 64 MiB, far beyond any limit under test.
            for _ in 0..4096 {
                if stream.write_all(chunk_head.as_bytes()).await.is_err()
                    || stream.write_all(&block).await.is_err()
                    || stream.write_all(b"\r\n").await.is_err()
                {
                    return;
                }
            }
            return;
        }
        _ => response("404 Not Found", "text/plain", "no such probe"),
    };
    let _ = stream.write_all(reply.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// `{"id":"a1"}` compressed with gzip (`gzip.compress(..., mtime=0)`).
pub const GZIP_ID_A1: [u8; 31] = [
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xab, 0x56, 0xca, 0x4c, 0x51, 0xb2,
    0x52, 0x4a, 0x34, 0x54, 0xaa, 0x05, 0x00, 0x72, 0x0a, 0xba, 0x30, 0x0b, 0x00, 0x00, 0x00,
];

/// How deep `/deep` nests its arrays.
pub const DEEP_LEVELS: usize = 200;

/// Requests `/coin` has answered in this test binary: even ones get
/// `heads`, odd ones `tails`, so consecutive requests always differ.
static COIN: AtomicU64 = AtomicU64::new(0);

fn raw_response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// The paths added for the verdict-cause tests; `false` for any other path.
async fn handle_more(path: &str, head: &str, stream: &mut TcpStream) -> bool {
    let json = ("Content-Type", "application/json");
    let reply = match path {
        // Latin-1, honestly declared: still not UTF-8 JSON.
        "/latin1" => raw_response(
            "200 OK",
            &[("Content-Type", "application/json; charset=iso-8859-1")],
            b"{\"name\":\"M\xfcller\"}",
        ),
        // A gzip body konform never asked for (it sends no Accept-Encoding).
        "/gzip" => raw_response("200 OK", &[json, ("Content-Encoding", "gzip")], &GZIP_ID_A1),
        // Read the request, then reset the connection (RST, not FIN).
        "/reset" => {
            let _ = stream.set_zero_linger();
            return true;
        }
        // Well-formed JSON nested deeper than konform parses.
        "/deep" => {
            let body = format!("{}{}", "[".repeat(DEEP_LEVELS), "]".repeat(DEEP_LEVELS));
            raw_response("200 OK", &[json], body.as_bytes())
        }
        "/coin" => {
            let n = COIN.fetch_add(1, Ordering::SeqCst);
            let side = if n.is_multiple_of(2) {
                "heads"
            } else {
                "tails"
            };
            raw_response(
                "200 OK",
                &[json],
                format!(r#"{{"side":"{side}"}}"#).as_bytes(),
            )
        }
        // The request head as received: `{"headers":[{"name","value"}...]}`,
        // names in lower case, in the order they came.
        "/echo-headers" => {
            let headers: Vec<serde_json::Value> = head
                .split("\r\n")
                .skip(1)
                .filter_map(|line| line.split_once(':'))
                .map(|(name, value)| {
                    serde_json::json!({
                        "name": name.trim().to_ascii_lowercase(),
                        "value": value.trim(),
                    })
                })
                .collect();
            let body = serde_json::json!({ "headers": headers }).to_string();
            raw_response("200 OK", &[json], body.as_bytes())
        }
        _ => return false,
    };
    let _ = stream.write_all(&reply).await;
    let _ = stream.shutdown().await;
    true
}
