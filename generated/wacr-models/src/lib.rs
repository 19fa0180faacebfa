//! wacr-models
