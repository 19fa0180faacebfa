//! What `build.rs` records of each lean-derived type: the shape of valid JSON for it, and the
//! functions that run an input through it and its serde_derive twin.

/// The form of valid JSON for a type.
#[derive(Debug)]
pub enum Shape {
    Str,
    Char,
    Bool,
    Float,
    /// An integer type, by its bounds.
    Int(i128, i128),
    /// `serde_json::Value`: anything.
    Any,
    /// `()`: null.
    Unit,
    /// A type the generator does not know (`ErrorCode`): strings and any JSON.
    Other,
    /// `Option<T>` or `Patch<T>`: null or `T`.
    Nullable(&'static Shape),
    List(&'static Shape),
    /// A map with string keys.
    Map(&'static Shape),
    Tuple(&'static [Shape]),
    /// A closed wire enum: one of its strings.
    Enum(&'static [&'static str]),
    /// `Open<E>`: any string, mostly `E`'s.
    Open(&'static [&'static str]),
    /// A struct of the same table, by name.
    Struct(&'static str),
}

/// The wire names a struct's lean derive and its twin read, in field order.
pub type Probe = fn() -> (Vec<&'static str>, Vec<&'static str>);

/// One lean-derived type and its twin.
pub struct Model {
    pub name: &'static str,
    /// Valid JSON for the type.
    pub root: Shape,
    /// For a struct, the shapes of the fields it reads, in declaration order.
    pub fields: &'static [Shape],
    /// Runs one JSON input through both; `Ok(accepted)` when they agree.
    pub check: fn(&str) -> Result<bool, String>,
    /// For a struct, the wire names its fields are read by.
    pub probe: Option<Probe>,
}
