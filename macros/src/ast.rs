//! What the user wrote: the derive input read into one model per derive, keeping references to
//! the original syntax so that later errors can point at it. Stage 1 of parse → check → expand.

use proc_macro2::Span;
use quote::{format_ident, quote};
use syn::ext::IdentExt as _;
use syn::punctuated::Iter;
use syn::{Data, DataStruct, DeriveInput, Fields, Ident, Path, Type};

use crate::attr::{self, IncludeAttr, OperationAttrs, ResourceAttrs, WireAttrs, WireVariantAttr};
use crate::serde_attr::{self, Direction, SerdeContainer, SerdeLean};
use crate::ctxt::Errors;
use crate::syntax;

/// A struct deriving `Resource`.
pub(crate) struct Resource<'a> {
    pub original: &'a DeriveInput,
    pub attrs: ResourceAttrs,
    pub rename_all: Option<String>,
    pub fields: Vec<Field<'a>>,
}

/// A fieldless enum deriving `Scope`.
pub(crate) struct Scope<'a> {
    pub original: &'a DeriveInput,
    pub krate: Option<Path>,
    pub variants: Vec<Variant<'a>>,
}

/// A request struct deriving `Operation`.
pub(crate) struct Operation<'a> {
    pub original: &'a DeriveInput,
    pub attrs: OperationAttrs<'a>,
    pub fields: Vec<Field<'a>>,
}

/// A fieldless enum deriving `WireEnum`.
pub(crate) struct WireEnum<'a> {
    pub original: &'a DeriveInput,
    pub attrs: WireAttrs,
    pub variants: Vec<WireVariant<'a>>,
}

/// A variant of a `WireEnum` enum.
pub(crate) struct WireVariant<'a> {
    pub original: &'a syn::Variant,
    pub attr: WireVariantAttr<'a>,
}

/// A struct deriving the lean `Serialize` or `Deserialize`.
pub(crate) struct LeanStruct<'a> {
    pub original: &'a DeriveInput,
    pub direction: Direction,
    pub serde: SerdeContainer,
    pub fields: Vec<LeanField<'a>>,
}

/// A field of a `LeanStruct`.
pub(crate) struct LeanField<'a> {
    pub original: &'a syn::Field,
    pub serde: SerdeLean,
}

/// A field of a `Resource` or `Operation` struct.
pub(crate) struct Field<'a> {
    pub original: &'a syn::Field,
    pub include: Option<IncludeAttr<'a>>,
    /// What `Resource` reads of its `#[serde]` (the rename it writes, `skip_serializing_if`).
    pub serde: SerdeLean,
    pub path_param: Option<&'a syn::Attribute>,
}

/// A variant of a `Scope` enum.
pub(crate) struct Variant<'a> {
    pub original: &'a syn::Variant,
    /// Whether `#[scope]` is present, even if malformed (then `scope` is `None`).
    pub has_scope_attr: bool,
    pub scope: Option<syn::LitStr>,
}

/// A relation field as it will be generated: its wire name and its `Include` variant.
pub(crate) struct Relation<'a> {
    pub field: &'a Field<'a>,
    pub wire: String,
    pub variant: Ident,
}

impl<'a> Resource<'a> {
    /// Reads the input; anything but a struct with named fields is recorded as an error and
    /// read as having no fields.
    pub(crate) fn from_syn(errors: &Errors, input: &'a DeriveInput) -> Self {
        let attrs = attr::resource(errors, &input.attrs);
        let rename_all = serde_attr::loose_rename_all(&input.attrs);
        let fields = read_members(errors, input, "Resource", named_fields, |field| Field::of_resource(errors, field));
        Resource {
            original: input,
            attrs,
            rename_all,
            fields,
        }
    }

    /// The name of the generated include enum.
    pub(crate) fn include_enum(&self) -> Ident {
        include_enum_name(self.original, &self.attrs)
    }

    /// The `#[include]` fields whose wire name can become a variant, in declaration order.
    pub(crate) fn relations(&self) -> Vec<Relation<'_>> {
        let relations = self.fields.iter().filter_map(|field| {
            let include = field.include.as_ref()?;
            let wire = self.wire_name(field);
            let span = include
                .rename
                .as_ref()
                .map_or_else(|| field.ident().span(), |lit| lit.span());
            let variant = Ident::new(&syntax::include_variant(&wire)?, span);
            Some(Relation {
                field,
                wire,
                variant,
            })
        });
        relations.collect()
    }

    /// `#[include(rename)]`, else serde's rename, else serde's `rename_all`, else the field name.
    pub(crate) fn wire_name(&self, field: &Field) -> String {
        if let Some(rename) = field
            .include
            .as_ref()
            .and_then(|include| include.rename.as_ref())
        {
            return rename.value();
        }
        if let Some(rename) = &field.serde.rename.0 {
            return rename.clone();
        }
        let name = field.name();
        let renamed = self
            .rename_all
            .as_deref()
            .and_then(|rule| syntax::apply_rename_all(rule, &name));
        renamed.unwrap_or(name)
    }
}

/// The include enum name for a `Resource` input, also used when the input is malformed.
pub(crate) fn include_enum_name(input: &DeriveInput, attrs: &ResourceAttrs) -> Ident {
    let default = || format_ident!("{}Include", input.ident.unraw(), span = input.ident.span());
    attrs.include_enum.clone().unwrap_or_else(default)
}

impl<'a> Scope<'a> {
    /// Reads the input; anything but an enum is recorded as an error and read as having no
    /// variants.
    pub(crate) fn from_syn(errors: &Errors, input: &'a DeriveInput) -> Self {
        let krate = attr::crate_container(errors, &input.attrs, "scope");
        let variants = read_members(errors, input, "Scope", variants, |variant| {
            let (has_scope_attr, scope) = attr::scope_variant(errors, &variant.attrs);
            Variant {
                original: variant,
                has_scope_attr,
                scope,
            }
        });
        Scope {
            original: input,
            krate,
            variants,
        }
    }

    /// Whether the input is an enum, so that stub trait impls for it can compile.
    pub(crate) fn is_enum(&self) -> bool {
        matches!(self.original.data, Data::Enum(_))
    }
}

impl<'a> Operation<'a> {
    /// Reads the input; anything but a struct is recorded as an error and read as having no
    /// fields.
    pub(crate) fn from_syn(errors: &Errors, input: &'a DeriveInput) -> Self {
        let attrs = attr::operation(errors, &input.attrs);
        let fields = read_members(errors, input, "Operation", struct_fields, |field| Field::of_operation(errors, field));
        Operation {
            original: input,
            attrs,
            fields,
        }
    }

    /// Whether the input is a struct, so that its fields can be checked against the path.
    pub(crate) fn is_struct(&self) -> bool {
        matches!(self.original.data, Data::Struct(_))
    }

    /// The fields marked `#[path_param]`.
    pub(crate) fn path_fields(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields
            .iter()
            .filter(|field| field.path_param.is_some())
    }

    /// The scope enum type: the scope path without its variant, or the type in `none(...)`.
    pub(crate) fn scope_type(&self) -> Option<Type> {
        match self.attrs.scope.as_ref()? {
            attr::ScopeSpec::None(ty) => Some(ty.clone()),
            attr::ScopeSpec::Variant(path) if path.segments.len() >= 2 => {
                let mut ty = path.clone();
                ty.segments.pop();
                ty.segments.pop_punct();
                Some(syn::parse_quote!(#ty))
            }
            attr::ScopeSpec::Variant(_) => None,
        }
    }
}

impl<'a> WireEnum<'a> {
    /// Reads the input; anything but an enum is recorded as an error and read as having no
    /// variants.
    pub(crate) fn from_syn(errors: &Errors, input: &'a DeriveInput) -> Self {
        let attrs = attr::wire_container(errors, &input.attrs);
        let variants = read_members(errors, input, "WireEnum", variants, |variant| WireVariant {
            original: variant,
            attr: attr::wire_variant(errors, &variant.attrs),
        });
        WireEnum {
            original: input,
            attrs,
            variants,
        }
    }

    /// The name in parse errors: `#[wire(name)]`, else the enum's.
    pub(crate) fn name(&self) -> String {
        let ident = || self.original.ident.unraw().to_string();
        self.attrs.name.as_ref().map_or_else(ident, syn::LitStr::value)
    }
}

impl<'a> LeanStruct<'a> {
    /// Reads the input; anything but a struct with named fields is recorded as an error and
    /// read as having no fields.
    pub(crate) fn from_syn(errors: &Errors, input: &'a DeriveInput, direction: Direction) -> Self {
        let serde = serde_attr::container(errors, &input.attrs, direction);
        let fields = read_members(errors, input, direction.derive(), named_fields, |field| LeanField {
            original: field,
            serde: serde_attr::field(errors, &field.attrs, direction),
        });
        LeanStruct {
            original: input,
            direction,
            serde,
            fields,
        }
    }

    /// The struct's name in the serde data model (its `rename`, else its own).
    pub(crate) fn name(&self) -> String {
        let rename = match self.direction {
            Direction::Serialize => &self.serde.rename.0,
            Direction::Deserialize => &self.serde.rename.1,
        };
        rename.clone().unwrap_or_else(|| self.original.ident.unraw().to_string())
    }

    /// The fields this direction does not skip, with the name each is written or read by.
    pub(crate) fn wire_fields(&self) -> impl Iterator<Item = (&LeanField<'a>, String)> {
        self.fields.iter().filter(|field| !self.skips(field)).map(|field| (field, self.wire_name(field)))
    }

    /// Whether this direction leaves the field out.
    pub(crate) fn skips(&self, field: &LeanField) -> bool {
        match self.direction {
            Direction::Serialize => field.serde.skip.0,
            Direction::Deserialize => field.serde.skip.1,
        }
    }

    /// serde's `rename` for this direction, else the container's `rename_all` rule, else the
    /// field name.
    fn wire_name(&self, field: &LeanField) -> String {
        let rename = match self.direction {
            Direction::Serialize => &field.serde.rename.0,
            Direction::Deserialize => &field.serde.rename.1,
        };
        if let Some(rename) = rename {
            return rename.clone();
        }
        let name = field.ident().unraw().to_string();
        let rule = self.serde.rename_all.as_ref().map(syn::LitStr::value);
        rule.and_then(|rule| syntax::apply_rename_all(&rule, &name)).unwrap_or(name)
    }
}

impl LeanField<'_> {
    /// The field name (named fields only reach the derive).
    pub(crate) fn ident(&self) -> Ident {
        self.original.ident.clone().unwrap_or_else(|| Ident::new("_", Span::call_site()))
    }
}

impl<'a> Field<'a> {
    /// Reads the attributes `Resource` uses. Each derive reads only its own helpers, so a
    /// struct deriving both does not get the same error twice.
    fn of_resource(errors: &Errors, field: &'a syn::Field) -> Self {
        Field {
            original: field,
            include: attr::include(errors, &field.attrs),
            serde: serde_attr::loose_field(&field.attrs),
            path_param: None,
        }
    }

    /// Reads the attributes `Operation` uses.
    fn of_operation(errors: &Errors, field: &'a syn::Field) -> Self {
        Field {
            original: field,
            include: None,
            serde: SerdeLean::default(),
            path_param: attr::path_param(errors, &field.attrs),
        }
    }

    /// The field name without `r#`: what a path template or a message names it by.
    pub(crate) fn name(&self) -> String {
        self.ident().unraw().to_string()
    }

    /// The field name; tuple fields have none and get a name for messages only.
    pub(crate) fn ident(&self) -> Ident {
        let unnamed = || Ident::new("_", Span::call_site());
        self.original.ident.clone().unwrap_or_else(unnamed)
    }
}

/// The members (fields or variants) of `input` that `members` finds, each read by `read`; any
/// other input is recorded as an error saying what the derive applies to, and has none.
fn read_members<'a, M: 'a, T>(
    errors: &Errors,
    input: &'a DeriveInput,
    derive: &str,
    members: impl FnOnce(&'a Data) -> Result<Iter<'a, M>, &'static str>,
    read: impl FnMut(&'a M) -> T,
) -> Vec<T> {
    match members(&input.data) {
        Ok(members) => members.map(read).collect(),
        Err(applies_to) => shape_error(errors, input, derive, applies_to),
    }
}

fn named_fields(data: &Data) -> Result<Iter<'_, syn::Field>, &'static str> {
    match data {
        Data::Struct(DataStruct { fields: Fields::Named(named), .. }) => Ok(named.named.iter()),
        _ => Err("structs with named fields"),
    }
}

fn struct_fields(data: &Data) -> Result<Iter<'_, syn::Field>, &'static str> {
    match data {
        Data::Struct(data) => Ok(data.fields.iter()),
        _ => Err("structs"),
    }
}

fn variants(data: &Data) -> Result<Iter<'_, syn::Variant>, &'static str> {
    match data {
        Data::Enum(data) => Ok(data.variants.iter()),
        _ => Err("enums of unit variants"),
    }
}

fn shape_error<T>(errors: &Errors, input: &DeriveInput, derive: &str, applies_to: &str) -> Vec<T> {
    let ident = &input.ident;
    let keyword = match &input.data {
        Data::Struct(data) => {
            let token = data.struct_token;
            quote!(#token)
        }
        Data::Enum(data) => {
            let token = data.enum_token;
            quote!(#token)
        }
        Data::Union(data) => {
            let token = data.union_token;
            quote!(#token)
        }
    };
    let message = format!("#[derive({derive})] only applies to {applies_to}");
    errors.spanned(quote!(#keyword #ident), message);
    Vec::new()
}
