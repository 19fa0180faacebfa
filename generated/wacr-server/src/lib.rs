//! wacr-server
