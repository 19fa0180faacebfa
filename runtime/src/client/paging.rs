//! Following the pages of a list operation: a stream of pages (`first`, then each page's
//! `next_page`) and a stream of their items, behind the generated client's `pages` and `items`.

use std::future::Future;
use std::pin::Pin;

use futures::{Stream, StreamExt};

use super::Error;
use crate::Page;

/// Every page of a list operation, fetched lazily (the generated client's `pages`).
pub type Pages<T, E> = Pin<Box<dyn Stream<Item = Result<Page<T>, Error<E>>> + Send>>;

/// Every item of a list operation, page after page (the generated client's `items`).
pub type Items<T, E> = Pin<Box<dyn Stream<Item = Result<T, Error<E>>> + Send>>;

/// Lazily fetches page after page (`first`, then each page's `next_page`), for list operations.
/// A page whose `next_page` does not move forward ends the stream, as does the first error.
pub fn pages<T, E, F, Fut>(first: u32, fetch: F) -> impl Stream<Item = Result<Page<T>, Error<E>>>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<Page<T>, Error<E>>>,
{
    futures::stream::unfold((Some(first), fetch), |(next, mut fetch)| async move {
        let page = next?;
        match fetch(page).await {
            Ok(p) => {
                let following = p.next_page().filter(|n| *n > page);
                Some((Ok(p), (following, fetch)))
            }
            Err(e) => Some((Err(e), (None, fetch))),
        }
    })
}

/// The items of [`pages`], one by one.
pub fn items<T, E>(
    pages: impl Stream<Item = Result<Page<T>, Error<E>>>,
) -> impl Stream<Item = Result<T, Error<E>>> {
    pages.flat_map(|page| {
        let items: Vec<Result<T, Error<E>>> = match page {
            Ok(p) => p.items.into_iter().map(Ok).collect(),
            Err(e) => vec![Err(e)],
        };
        futures::stream::iter(items)
    })
}
