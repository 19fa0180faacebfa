//! Change notices for open pages of the web inbox: `Db::with` publishes one after a call that
//! changed rows (a send, an inbound message, a webhook attempt, ...), and code that changes
//! what reads show without writing (the virtual clock) publishes one itself. Receivers only
//! learn that something changed and read again; a receiver that lagged behind loses nothing
//! it needs.

use tokio::sync::broadcast;

/// What a receiver hears.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// The state that reads show changed.
    Changed,
    /// The sandbox is stopping: long-lived streams end so that the shutdown does not wait.
    Closing,
}

/// The sender side, shared by clones.
#[derive(Clone, Debug)]
pub struct Changes {
    tx: broadcast::Sender<Notice>,
}

impl Default for Changes {
    fn default() -> Self {
        // Receivers only need the latest notice; a few buffered ones cover bursts.
        Changes { tx: broadcast::channel(16).0 }
    }
}

impl Changes {
    /// Tells every receiver that the state changed (nobody listening is fine).
    pub fn publish(&self) {
        let _ = self.tx.send(Notice::Changed);
    }

    /// Tells every receiver that the sandbox stops.
    pub fn close(&self) {
        let _ = self.tx.send(Notice::Closing);
    }

    /// A receiver of the notices published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.tx.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Db, DbPath};

    #[tokio::test]
    async fn a_call_that_writes_publishes_and_a_read_does_not() {
        let db = Db::open(&DbPath::Memory).unwrap();
        let mut rx = db.changes().subscribe();
        db.call(|conn| conn.query_row("SELECT count(*) FROM plans", [], |r| r.get::<_, i64>(0)).unwrap()).await;
        assert!(rx.try_recv().is_err(), "a read publishes nothing");
        db.call(|conn| conn.execute("INSERT INTO plans (name) VALUES ('x')", []).unwrap()).await;
        assert_eq!(rx.try_recv(), Ok(Notice::Changed));
        db.changes().close();
        assert_eq!(rx.try_recv(), Ok(Notice::Closing));
    }
}
