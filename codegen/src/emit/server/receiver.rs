//! Webhook receiver emitter: `generated/wacr-server/src/receiver.rs`, the trait a receiver of
//! the spec's webhook events implements (one async method per event type, each accepting by
//! default, so a receiver writes only the ones it cares about), the dispatch of a
//! `WebhookEvent` to its method, and `receiver_router`, the axum router that verifies each
//! delivery (`wacr_runtime::server::webhook_router`) before the dispatch.

use quote::quote;

use crate::emit::models::doc::Doc;
use crate::ident::to_ident as ident;
use crate::ir::*;
use crate::write::{rust_file, Output};

pub const PATH: &str = "generated/wacr-server/src/receiver.rs";

pub fn emit(api: &Api) -> Output {
    let (events, resources, file) = match &api.events {
        Some(e) => (&e.events[..], &e.resources[..], e.file.clone()),
        None => (&[][..], &[][..], "api-spec/api.yaml (no events.yaml)".to_owned()),
    };
    let payload = |e: &Event| ident(&resources.iter().find(|r| r.wire == e.resource).map_or_else(|| "Unknown".to_owned(), |r| r.payload.clone()));
    let methods = events.iter().map(|e| {
        let method = ident(&e.method);
        let ty = payload(e);
        let doc = Doc::new(&format!("`{}`: {}", e.wire, e.description)).provenance(&e.provenance).tokens();
        quote! {
            #doc
            fn #method(&self, event: m::#ty) -> impl Future<Output = Result<(), rt::EventError>> + Send {
                let _ = event;
                async { Ok(()) }
            }
        }
    });
    let arms = events.iter().map(|e| {
        let (variant, method) = (ident(&e.variant), ident(&e.method));
        quote!(m::WebhookEvent::#variant(e) => receiver.#method(e).await,)
    });
    let tokens = quote! {
        use std::future::Future;
        use std::sync::Arc;

        use wacr_models as m;
        use wacr_runtime::server as rt;

        /// A receiver of the API's webhook events: one method per event type, each accepting
        /// the event by default, so an implementation writes only the methods of the events it
        /// wants. An `Err` answers the delivery with 500, so the sender tries it again.
        /// Serve it with [`receiver_router`].
        pub trait WebhookReceiver: Send + Sync + 'static {
            #(#methods)*
            /// An event type this version does not know: its raw JSON.
            fn unknown(&self, event: serde_json::Value) -> impl Future<Output = Result<(), rt::EventError>> + Send {
                let _ = event;
                async { Ok(()) }
            }
        }

        /// Hands a decoded event to the receiver's method for its type.
        pub async fn dispatch<R: WebhookReceiver>(receiver: &R, event: m::WebhookEvent) -> Result<(), rt::EventError> {
            match event {
                #(#arms)*
                m::WebhookEvent::Unknown(raw) => receiver.unknown(raw).await,
            }
        }

        /// `POST /`: verifies each delivery against `secrets` (see [`crate::webhooks::secrets`]),
        /// decodes it and dispatches it to `receiver`; 204 when the method succeeds, 401 or 400
        /// with the error envelope when the delivery does not verify, 500 when the method fails.
        /// Mount it where deliveries arrive: `Router::new().nest("/webhooks", receiver_router(..))`.
        pub fn receiver_router<R: WebhookReceiver>(receiver: R, secrets: rt::WebhookSecrets) -> rt::axum::Router {
            let receiver = Arc::new(receiver);
            rt::webhook_router(secrets, move |event: m::WebhookEvent| {
                let receiver = Arc::clone(&receiver);
                async move { dispatch(&*receiver, event).await }
            })
        }
    };
    Output { path: PATH.into(), contents: rust_file(tokens, &file) }
}
