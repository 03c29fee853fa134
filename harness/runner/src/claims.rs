//! Which conformance classes a target claims: from the target file when it
//! says so, otherwise from the service description `GET {base}/` that every
//! bundled interface serves (`{"interface": …, "version": …, "classes": [...]}`).

use std::time::Duration;

use konform_connection::TargetConnection;
use konform_model::suite::AuthChoice;
use serde_json::Value;

use crate::exchange::{ExchangeLimits, OutgoingRequest, perform_with};
use crate::politeness::Politeness;

/// Reads the claimed classes from the service description, through the
/// run's politeness gate (the request counts against its budget).
pub async fn from_service_description(
    conn: &TargetConnection,
    gate: &Politeness,
    timeout: Duration,
) -> Result<Vec<String>, String> {
    let url = conn.url_for("/").map_err(|e| e.to_string())?;
    let mut headers = http::HeaderMap::new();
    headers.insert(
        http::header::ACCEPT,
        http::HeaderValue::from_static("application/json"),
    );
    if let Ok(Some(auth)) = conn.authorization(&AuthChoice::Default).await
        && let Ok(value) = http::HeaderValue::from_str(&auth)
    {
        headers.insert(http::header::AUTHORIZATION, value);
    }
    let request = OutgoingRequest {
        method: http::Method::GET,
        url,
        headers,
        body: None,
    };
    let limits = ExchangeLimits {
        timeout,
        body_limit: 1024 * 1024,
    };
    let budget = crate::exchange::BodyBudget::new(limits.body_limit, limits.body_limit);
    let (result, _) = perform_with(conn.client(), gate, &budget, timeout, &request, limits).await;
    let response = result.map_err(|e| format!("service description: {e}"))?;
    if response.status != 200 {
        return Err(format!("service description: status {}", response.status));
    }
    let json: Value = serde_json::from_slice(&response.body)
        .map_err(|e| format!("service description is not JSON: {e}"))?;
    json.get("classes")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .ok_or_else(|| "service description has no `classes` list".to_string())
}
