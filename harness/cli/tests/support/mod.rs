pub mod chromium;
pub mod misbehaving;
pub mod report_schema;
