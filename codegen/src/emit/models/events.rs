//! Webhook events emitter: `generated/wacr-models/src/events.rs`, the typed payloads of
//! `events.yaml`. Per resource, its `…Relationships` (when the payload names related
//! resources) and the payload alias `…Event` over `rt::Event`; then `WebhookEvent`, one
//! variant per event type, decoded by `event.type`, with `Unknown` keeping the raw JSON of a
//! type this version does not know.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc::Doc;
use crate::ident::to_ident;
use crate::ir::*;
use crate::write::{rust_file, Output};

pub const PATH: &str = "generated/wacr-models/src/events.rs";

pub fn emit(api: &Api) -> Output {
    let (resources, events, file) = match &api.events {
        Some(e) => (&e.resources[..], &e.events[..], e.file.clone()),
        None => (&[][..], &[][..], "api-spec/api.yaml (no events.yaml)".to_owned()),
    };
    let resource_items = resources.iter().map(resource_items);
    let event_enum = webhook_event(resources, events);
    let tokens = quote! {
        use wacr_macros::{Deserialize, Serialize};
        use wacr_runtime as rt;
        use crate::*;
        #(#resource_items)*
        #event_enum
    };
    Output { path: PATH.into(), contents: rust_file(tokens, &file) }
}

fn resource_items(r: &EventResource) -> TokenStream {
    let model = to_ident(&r.model);
    let payload = to_ident(&r.payload);
    let payload_doc = Doc::default().markdown(format!("The payload of the `{}` events: the resource is a [`{}`].", r.wire, r.model)).provenance(&r.provenance).tokens();
    let Some(rel_type) = &r.relationships_type else {
        return quote! {
            #payload_doc
            pub type #payload = rt::Event<#model>;
        };
    };
    let rel = to_ident(rel_type);
    let rel_doc = Doc::new(&format!("`data.relationships` of a `{}` event: references to its related resources.", r.wire)).tokens();
    let fields = r.relationships.iter().map(|(name, target)| {
        let field = to_ident(&crate::ident::field(name));
        let doc = format!(" The related `{target}`.");
        quote!(#[doc = #doc] pub #field: rt::ResourceRef,)
    });
    quote! {
        #rel_doc
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        pub struct #rel { #(#fields)* }
        #payload_doc
        pub type #payload = rt::Event<#model, #rel>;
    }
}

fn webhook_event(resources: &[EventResource], events: &[Event]) -> TokenStream {
    let payload = |e: &Event| to_ident(&resources.iter().find(|r| r.wire == e.resource).map_or_else(|| "Unknown".to_owned(), |r| r.payload.clone()));
    let variants = events.iter().map(|e| {
        let variant = to_ident(&e.variant);
        let ty = payload(e);
        let doc = Doc::new(&format!("`{}`: {}", e.wire, e.description)).provenance(&e.provenance).tokens();
        quote!(#doc #variant(#ty),)
    });
    let names: Vec<_> = events.iter().map(|e| to_ident(&e.variant)).collect();
    let wires: Vec<_> = events.iter().map(|e| e.wire.as_str()).collect();
    quote! {
        /// A webhook event, decoded by its `event.type`: one variant per event type of the
        /// spec, each holding the typed payload. A type this version does not know is kept
        /// whole as [`WebhookEvent::Unknown`], never an error.
        #[derive(Clone, Debug, PartialEq)]
        pub enum WebhookEvent {
            #(#variants)*
            /// An event type this version does not know (or a payload without one): the raw JSON.
            Unknown(serde_json::Value),
        }
        impl WebhookEvent {
            /// Every event type of the spec, in order.
            pub const TYPES: &'static [&'static str] = &[#(#wires),*];
            /// `event.type`, for an unknown event when its JSON has one.
            pub fn event_type(&self) -> Option<&str> {
                match self {
                    #(WebhookEvent::#names(_) => Some(#wires),)*
                    WebhookEvent::Unknown(raw) => raw.get("event")?.get("type")?.as_str(),
                }
            }
            /// The `event` block (id, type, timestamp, version) of a known event.
            pub fn info(&self) -> Option<&rt::EventInfo> {
                match self {
                    #(WebhookEvent::#names(e) => Some(&e.event),)*
                    WebhookEvent::Unknown(_) => None,
                }
            }
        }
        impl serde::Serialize for WebhookEvent {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(WebhookEvent::#names(e) => serde::Serialize::serialize(e, serializer),)*
                    WebhookEvent::Unknown(raw) => serde::Serialize::serialize(raw, serializer),
                }
            }
        }
        impl<'de> serde::Deserialize<'de> for WebhookEvent {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                let typed = match rt::event::event_type(&value).as_deref() {
                    #(Some(#wires) => serde_json::from_value(value).map(WebhookEvent::#names),)*
                    _ => return Ok(WebhookEvent::Unknown(value)),
                };
                typed.map_err(serde::de::Error::custom)
            }
        }
    }
}
