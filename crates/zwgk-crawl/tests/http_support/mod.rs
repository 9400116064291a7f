//! Support code shared by the HTTP tests.

pub mod server;
