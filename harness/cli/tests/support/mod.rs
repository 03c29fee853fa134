pub mod chromium;
pub mod fixture_copy;
pub mod forge;
pub mod misbehaving;
pub mod report_schema;
pub mod served;
pub mod workflow;
