//! HTTP compression of file content (2-07: a server SHOULD support
//! compression as HTTP defines it): `gzip` (RFC 1952) and `deflate` (the
//! zlib format, RFC 1950), chosen from the request's `Accept-Encoding`.

use axum::http::HeaderMap;
use axum::http::header::ACCEPT_ENCODING;

/// A content coding this server can apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Gzip,
    Deflate,
}

impl Coding {
    pub fn name(self) -> &'static str {
        match self {
            Coding::Gzip => "gzip",
            Coding::Deflate => "deflate",
        }
    }

    pub fn encode(self, data: &[u8]) -> Vec<u8> {
        match self {
            Coding::Deflate => miniz_oxide::deflate::compress_to_vec_zlib(data, 6),
            Coding::Gzip => {
                // Header: magic, deflate, no flags, no mtime, no extra flags, OS unknown.
                let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
                out.extend(miniz_oxide::deflate::compress_to_vec(data, 6));
                out.extend(crc32(data).to_le_bytes());
                out.extend((data.len() as u32).to_le_bytes());
                out
            }
        }
    }
}

/// The coding the client prefers among those it accepts (a q-value of 0
/// refuses one); gzip first when both are equally welcome.
pub fn choose(headers: &HeaderMap) -> Option<Coding> {
    let mut best: Option<(Coding, f32)> = None;
    for value in headers.get_all(ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let coding = match name.as_str() {
                "gzip" | "x-gzip" => Coding::Gzip,
                "deflate" => Coding::Deflate,
                _ => continue,
            };
            if q > 0.0 && best.is_none_or(|(_, bq)| q > bq) {
                best = Some((coding, q));
            }
        }
    }
    best.map(|(c, _)| c)
}

/// CRC-32 (IEEE 802.3), as gzip's trailer wants it.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_and_round_trip() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        let data = b"OParl OParl OParl OParl".repeat(20);
        let z = Coding::Deflate.encode(&data);
        assert_eq!(
            miniz_oxide::inflate::decompress_to_vec_zlib(&z).unwrap(),
            data
        );
        let g = Coding::Gzip.encode(&data);
        assert_eq!(&g[..2], &[0x1f, 0x8b]);
        let body = &g[10..g.len() - 8];
        assert_eq!(miniz_oxide::inflate::decompress_to_vec(body).unwrap(), data);
    }

    #[test]
    fn accept_encoding() {
        let mut h = HeaderMap::new();
        assert_eq!(choose(&h), None);
        h.insert(
            ACCEPT_ENCODING,
            "br, deflate;q=0.5, gzip;q=0.8".parse().unwrap(),
        );
        assert_eq!(choose(&h), Some(Coding::Gzip));
        h.insert(ACCEPT_ENCODING, "gzip;q=0, deflate".parse().unwrap());
        assert_eq!(choose(&h), Some(Coding::Deflate));
    }
}
