//! The 64-bit set of values of a small enum, shared by [`IncludeSet`](crate::IncludeSet) and
//! [`ScopeSet`](crate::ScopeSet): one macro defines each set, its iterator and the impls they
//! have in common; each module adds its own parsing and rendering.

/// `enum_set!(Set, Iter, Trait, "values")` defines `pub struct Set<T>` (documented by the
/// attributes given before it) and `pub struct Iter<T>` over it, for `T: Trait` where `Trait`
/// has `ALL`, `as_str` and `index` (a value's position in `ALL`, below 64).
macro_rules! enum_set {
    ($(#[$doc:meta])* $set:ident, $iter:ident, $trait:ident, $what:literal) => {
        $(#[$doc])*
        pub struct $set<T> {
            bits: u64,
            marker: core::marker::PhantomData<fn() -> T>,
        }

        #[doc = concat!("Iterator over a [`", stringify!($set), "`], in the order of [`", stringify!($trait), "::ALL`].")]
        pub struct $iter<T> {
            remaining: u64,
            position: usize,
            marker: core::marker::PhantomData<fn() -> T>,
        }

        impl<T: $trait> $set<T> {
            /// The empty set.
            pub const fn new() -> Self {
                $set { bits: 0, marker: core::marker::PhantomData }
            }

            #[doc = concat!("The set of every ", $what, ".")]
            pub fn all() -> Self {
                T::ALL.iter().copied().collect()
            }

            /// Adds `value`; returns whether it was newly added.
            pub fn insert(&mut self, value: T) -> bool {
                let added = !self.contains(value);
                self.bits |= bit(value.index());
                added
            }

            /// Adds `value` and returns the set, for building sets in one expression.
            #[must_use]
            pub fn with(mut self, value: T) -> Self {
                self.insert(value);
                self
            }

            /// Removes `value`; returns whether it was present.
            pub fn remove(&mut self, value: T) -> bool {
                let present = self.contains(value);
                self.bits &= !bit(value.index());
                present
            }

            /// Whether `value` is in the set.
            pub fn contains(&self, value: T) -> bool {
                self.bits & bit(value.index()) != 0
            }

            /// Whether the set is empty.
            pub const fn is_empty(&self) -> bool {
                self.bits == 0
            }

            #[doc = concat!("The number of ", $what, "s in the set.")]
            pub const fn len(&self) -> usize {
                self.bits.count_ones() as usize
            }

            #[doc = concat!("The ", $what, "s in the set, in the order of [`", stringify!($trait), "::ALL`].")]
            pub fn iter(&self) -> $iter<T> {
                $iter { remaining: self.bits, position: 0, marker: core::marker::PhantomData }
            }
        }

        /// The bit of the value at `index`; the derives reject types with more than 64 values.
        #[inline]
        fn bit(index: u32) -> u64 {
            1u64.checked_shl(index)
                .expect(concat!("a ", stringify!($trait), " index must be below 64"))
        }

        impl<T: $trait> Iterator for $iter<T> {
            type Item = T;

            fn next(&mut self) -> Option<T> {
                while self.remaining != 0 {
                    let value = *T::ALL.get(self.position)?;
                    self.position += 1;
                    let mask = bit(value.index());
                    if self.remaining & mask != 0 {
                        self.remaining &= !mask;
                        return Some(value);
                    }
                }
                None
            }

            fn size_hint(&self) -> (usize, Option<usize>) {
                let len = self.remaining.count_ones() as usize;
                (len, Some(len))
            }
        }

        impl<T: $trait> ExactSizeIterator for $iter<T> {}

        impl<T: $trait> core::iter::FusedIterator for $iter<T> {}

        impl<T: $trait> IntoIterator for $set<T> {
            type Item = T;
            type IntoIter = $iter<T>;

            fn into_iter(self) -> $iter<T> {
                self.iter()
            }
        }

        impl<T: $trait> IntoIterator for &$set<T> {
            type Item = T;
            type IntoIter = $iter<T>;

            fn into_iter(self) -> $iter<T> {
                self.iter()
            }
        }

        impl<T: $trait> FromIterator<T> for $set<T> {
            fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
                let mut set = Self::new();
                set.extend(iter);
                set
            }
        }

        impl<T: $trait> Extend<T> for $set<T> {
            fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
                for value in iter {
                    self.insert(value);
                }
            }
        }

        // Manual impls: derives would demand bounds on `T` that the set does not need.
        impl<T> Clone for $set<T> {
            fn clone(&self) -> Self {
                *self
            }
        }

        impl<T> Copy for $set<T> {}

        impl<T: $trait> Default for $set<T> {
            fn default() -> Self {
                Self::new()
            }
        }

        impl<T> PartialEq for $set<T> {
            fn eq(&self, other: &Self) -> bool {
                self.bits == other.bits
            }
        }

        impl<T> Eq for $set<T> {}

        impl<T> core::hash::Hash for $set<T> {
            fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
                self.bits.hash(state);
            }
        }

        /// The values' wire strings, without quotes: `{contacts:read, groups:read}`.
        impl<T: $trait> core::fmt::Debug for $set<T> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_set().entries(self.iter().map(|value| crate::enum_set::Bare(value.as_str()))).finish()
            }
        }

        impl<T: $trait> $set<T> {
            /// The wire strings of the values, in order, with `separator` between them.
            fn write_joined(&self, f: &mut core::fmt::Formatter<'_>, separator: &str) -> core::fmt::Result {
                for (position, value) in self.iter().enumerate() {
                    if position > 0 {
                        f.write_str(separator)?;
                    }
                    f.write_str(value.as_str())?;
                }
                Ok(())
            }
        }
    };
}

/// A wire string shown without quotes in `Debug` output.
pub(crate) struct Bare(pub(crate) &'static str);

impl core::fmt::Debug for Bare {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.0)
    }
}
