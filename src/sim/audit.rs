//! "Audit my consumer": an engineer's own handler, in the order its steps really run, crashed at every
//! boundary between them.
//!
//! The teaching point: whether a redelivery is harmless is decided by *order*, not by which safeguards
//! a handler has. An idempotency record protects nothing it is not committed together with; a
//! transaction cannot undo a card charge made before it began; an ack sent before the work is durable
//! turns a crash into a lost payment. So the audit takes the handler as an ordered list of steps
//! ([`Handler`]) — which writes are inside the transaction follows from where `begin` and `commit` sit —
//! and replays one payment through it under every fault at-least-once delivery allows: a crash at each
//! boundary (the broker redelivers the unacked message, same message id), a lost ack, a producer
//! republish (same payment, new message id) and a second consumer receiving the message while the first
//! is still working (a visibility timeout).
//!
//! The audit reuses the core's own [`Database`](super::db::Database) (PostgreSQL-like transactions:
//! uncommitted writes vanish in a crash, a unique constraint rejects a second record) and
//! [`Gateway`](super::gateway::Gateway) (Stripe-like idempotency keys: the same key returns the first
//! charge). Its verdicts agree with the sweep's for every handler a sweep strategy describes
//! (`tests/audit.rs` checks that), and it also runs the orders no strategy can express: charge after
//! commit, ack before commit, the ledger outside the transaction.

mod codec;
mod explain;
mod handler;
mod run;

pub use codec::{decode, encode};
pub use explain::{case_label, place, summary, verdict_label};
pub use handler::{Handler, HandlerStep, KeySource};
pub use run::{Audit, Case, Row, audit};
