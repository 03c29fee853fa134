pub mod chromium;
pub mod misbehaving;
