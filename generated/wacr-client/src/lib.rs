//! wacr-client
