//! Integration tests of detente-server: every endpoint in process, one on a real port.

mod api;
mod port;
