//! The filter operators as types, and operator sets: a filter field's operator set implements
//! [`Allows`] for each of its operators, and [`Filter`](super::Filter)'s constructor of an
//! operator requires it.

use super::FilterOp;

macro_rules! operators {
    ($($name:ident: $wire:literal;)*) => {$(
        #[doc = concat!("The `", $wire, "` operator, as a type.")]
        #[derive(Clone, Copy, Debug)]
        pub enum $name {}
    )*};
}

operators! {
    Eq: "eq"; Ne: "ne"; Gt: "gt"; Gte: "gte"; Lt: "lt"; Lte: "lte"; Like: "like"; In: "in";
    NotIn: "not_in"; Between: "between"; Null: "null";
}

/// A set of filter operators, the second parameter of a field's [`Filter`](super::Filter).
/// The generated models name each set after its operators (`EqNeInNotInOps`) and derive it
/// with `#[derive(FilterOps)] #[filter(Eq, Ne, In, NotIn)]`.
pub trait Operators {
    /// The operators of the set, in `api.yaml` order.
    const ALLOWED: &'static [FilterOp];
}

/// The operator set allows `Op` (a type of this module).
#[diagnostic::on_unimplemented(
    message = "the spec does not allow this operator on this filter field",
    label = "not an operator of `{Self}`",
    note = "a filter field takes the operators the spec allows on it: those its operator set `{Self}` is named after"
)]
pub trait Allows<Op>: Operators {}
