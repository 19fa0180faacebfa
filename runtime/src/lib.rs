//! wacr-runtime: the one stable facade the generated code imports.
