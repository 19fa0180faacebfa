//! Unit tests of store::auth.
