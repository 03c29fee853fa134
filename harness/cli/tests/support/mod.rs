pub mod misbehaving;
