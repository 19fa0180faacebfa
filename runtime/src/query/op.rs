//! The filter operators as types: a filter field's operator set implements
//! [`Allows`](super::Allows) for each of its operators, and [`Filter`](super::Filter)'s
//! constructor of an operator requires it.

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
