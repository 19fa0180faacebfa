//! A blocking facade over the async client (feature `blocking`): one private current-thread
//! tokio runtime per client, one handle per resource group with the async client's methods
//! (`client.contacts().get(1, query)`), and [`Client::execute`] for any generated `…Request`.
//! Do not use it inside an async runtime; use the async [`crate::Client`] there.

use std::future::Future;

use crate::{ClientRequest, Result};

pub use crate::client::blocking_groups::*;

/// A blocking WA.cr client.
#[derive(Debug)]
pub struct Client {
    inner: crate::Client,
    runtime: tokio::runtime::Runtime,
}

impl Client {
    /// Wraps an async client built with [`crate::Client::builder`].
    ///
    /// # Panics
    ///
    /// When the operating system refuses to create the runtime's resources.
    pub fn new(inner: crate::Client) -> Client {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a current-thread tokio runtime");
        Client { inner, runtime }
    }

    /// Sends any operation's request and waits for its data.
    pub fn execute<R: ClientRequest>(&self, request: R) -> Result<R::Output, R::Error> {
        self.wait(self.inner.execute(request))
    }

    /// The async client underneath.
    pub fn async_client(&self) -> &crate::Client {
        &self.inner
    }

    /// Runs a call of the async client to its end on this client's runtime.
    pub(crate) fn wait<F: Future>(&self, call: F) -> F::Output {
        self.runtime.block_on(call)
    }
}
