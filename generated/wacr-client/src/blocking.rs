//! A blocking facade over the async client (feature `blocking`): one private current-thread
//! tokio runtime per client (shared by its clones), one handle per resource group with the async
//! client's methods (`client.contacts().get(1, query)`), the list operations' `…_pages` and
//! `…_all` as iterators, the per-call options of the async client (`idempotent`, `with_retry`,
//! `with_timeout`), and [`Client::execute`] for any generated `…Request`.
//! Do not use it inside an async runtime; use the async [`crate::Client`] there.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use wacr_runtime::client::{self as c, Stream, StreamExt};

use crate::{ClientRequest, ListRequest, Result, RetryPolicy};

pub use crate::client::blocking_groups::*;

/// A blocking WA.cr client. Cheap to clone: clones share the connection pool and the runtime.
#[derive(Clone, Debug)]
pub struct Client {
    inner: crate::Client,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl Client {
    /// Wraps an async client built with [`crate::Client::builder`].
    ///
    /// # Panics
    ///
    /// When the operating system refuses to create the runtime's resources.
    pub fn new(inner: crate::Client) -> Client {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a current-thread tokio runtime");
        Client { inner, runtime: Arc::new(runtime) }
    }

    /// The same client with another per-attempt timeout for the calls made through it
    /// ([`crate::Client::with_timeout`]).
    #[must_use]
    pub fn with_timeout(&self, timeout: Duration) -> Client {
        self.over(self.inner.with_timeout(timeout))
    }

    /// The same client with another retry policy for the calls made through it
    /// ([`crate::Client::with_retry`]).
    #[must_use]
    pub fn with_retry(&self, policy: RetryPolicy) -> Client {
        self.over(self.inner.with_retry(policy))
    }

    /// The same client, declaring the calls made through it safe to repeat
    /// ([`crate::Client::idempotent`]): a POST or PATCH is then retried after a timeout, a
    /// dropped connection or a 5xx.
    #[must_use]
    pub fn idempotent(&self) -> Client {
        self.over(self.inner.idempotent())
    }

    /// Sends any operation's request and waits for its data.
    pub fn execute<R: ClientRequest>(&self, request: R) -> Result<R::Output, R::Error> {
        self.wait(self.inner.execute(request))
    }

    /// Like [`Client::execute`], with the status, message and request id of the response.
    pub fn execute_with_meta<R: ClientRequest>(&self, request: R) -> Result<c::Success<R::Output>, R::Error> {
        self.wait(self.inner.execute_with_meta(request))
    }

    /// Every page of a list request, each fetched when the iterator is asked for it
    /// ([`crate::Client::pages`]).
    pub fn pages<R: ListRequest>(&self, request: R) -> Pages<R::Item, R::Error>
    where
        R::Error: Send,
    {
        self.iter(self.inner.pages(request))
    }

    /// Every item of a list request across all pages, fetched page by page as the iterator
    /// reaches them ([`crate::Client::items`]).
    pub fn items<R: ListRequest>(&self, request: R) -> Items<R::Item, R::Error>
    where
        R::Error: Send,
    {
        self.iter(self.inner.items(request))
    }

    /// The async client underneath.
    pub fn async_client(&self) -> &crate::Client {
        &self.inner
    }

    /// This client's runtime under another async client.
    fn over(&self, inner: crate::Client) -> Client {
        Client { inner, runtime: self.runtime.clone() }
    }

    /// Runs a call of the async client to its end on this client's runtime.
    pub(crate) fn wait<F: Future>(&self, call: F) -> F::Output {
        self.runtime.block_on(call)
    }

    /// A stream of the async client as an iterator driven on this client's runtime.
    pub(crate) fn iter<S: Stream + Unpin>(&self, stream: S) -> Iter<S> {
        Iter { client: self.clone(), stream }
    }
}

/// A stream of the async client as an iterator: each `next` runs the stream on the blocking
/// client's runtime until its next element, so a list fetches a page only when it is reached.
pub struct Iter<S> {
    client: Client,
    stream: S,
}

impl<S> std::fmt::Debug for Iter<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Iter").field("client", &self.client).finish_non_exhaustive()
    }
}

impl<S: Stream + Unpin> Iterator for Iter<S> {
    type Item = S::Item;

    fn next(&mut self) -> Option<S::Item> {
        self.client.wait(self.stream.next())
    }
}

/// Every page of a list operation, as an iterator (the blocking `…_pages`).
pub type Pages<T, E> = Iter<c::Pages<T, E>>;

/// Every item of a list operation across its pages, as an iterator (the blocking `…_all`).
pub type Items<T, E> = Iter<c::Items<T, E>>;
