// Shared by several test binaries; each uses only some of it.
#![allow(dead_code)]

//! A purpose-built misbehaving HTTP server on loopback, written on raw TCP so
//! it can break HTTP in ways a framework would not let it: wrong statuses,
//! schema violations, silence, truncated and endless bodies, invalid JSON.

use std::net::SocketAddr;
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
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() > 64 * 1024 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf);
    head.split_whitespace().nth(1).map(str::to_string)
}

fn response(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

async fn handle(mut stream: TcpStream) {
    let Some(path) = read_path(&mut stream).await else {
        return;
    };
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
