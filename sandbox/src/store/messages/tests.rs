//! Unit tests of store::messages.
