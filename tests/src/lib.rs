//! wacr-tests: trybuild compile tests, end-to-end tests and docs-in-step tests live under tests/.
