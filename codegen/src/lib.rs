//! wacr-codegen: the spec pipeline, load -> validate -> ir -> emit -> write.
