//! wacr-macros: derive entry points; parsing, validation and expansion live in their own modules.
