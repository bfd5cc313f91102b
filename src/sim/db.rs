//! The database: the payments ledger and the processed-message table, with real transactions.
//!
//! Idempotency is a data-layer concern: a processed record only protects the ledger if it is durable
//! and written in the same transaction as the ledger row. A crash rolls an open transaction back; a
//! unique constraint makes the loser of a race abort instead of writing twice.
//!
//! The processed table is keyed by whatever the strategy keys idempotency on: the business payment
//! id, or the broker's message id (keys past the payments are republished messages; the table grows
//! to hold them).
//!
//! Under a retention window ([`super::config::Retention::records_ms`]) a processed record is deleted
//! once it is that old, as a clean-up job would: a repeat arriving later finds no record, and the
//! insert succeeds as if it were the first. The ledger rows are business data and are never pruned.

use super::config::{LedgerWrite, Millis, RecordCheck, kept};
use serde::{Deserialize, Serialize};

/// A consumer's open transaction. Each transaction concerns one payment, as in the lessons.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tx {
    /// The payment it is about.
    pub payment: u32,
    /// A ledger write is pending in it.
    pub ledger: bool,
    /// A processed-record insert is pending in it.
    pub record: bool,
    /// The processed record's key (the payment id, or the message id).
    #[serde(default)]
    pub key: u32,
}

/// What a write did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteResult {
    /// The write took effect (or is pending in the transaction).
    Written,
    /// A conditional or commutative ledger write found the payment already recorded: nothing changed.
    Unchanged,
    /// A unique constraint rejected the processed record.
    Conflict,
}

/// Durable tables plus the consumers' open transactions.
#[derive(Clone, Debug, Default)]
pub struct Database {
    ledger_rows: Vec<u8>,
    processed: Vec<bool>,
    open: [Option<Tx>; 4],
    total_rows: u64,
    /// The retention window of processed records; `None` keeps them forever.
    retention: Option<Millis>,
    /// When each processed record was committed, by key; kept only under a retention window.
    recorded_at: Vec<Millis>,
}

impl Database {
    /// The committed tables, rebuilt after a crash of the whole page: open transactions are gone.
    /// The saved state keeps no record times, so under a retention window a restored record counts
    /// as committed at `now`, the moment of the reload (it is kept a little longer than it was).
    pub fn restore(
        ledger_rows: Vec<u8>,
        processed: Vec<bool>,
        retention: Option<Millis>,
        now: Millis,
    ) -> Self {
        let total_rows = ledger_rows.iter().map(|r| *r as u64).sum();
        let recorded_at = match retention {
            Some(_) => vec![now; processed.len()],
            None => Vec::new(),
        };
        Database {
            ledger_rows,
            processed,
            open: [None; 4],
            total_rows,
            retention,
            recorded_at,
        }
    }

    /// The committed ledger, by payment (for saving durable state).
    pub fn ledger_table(&self) -> &[u8] {
        &self.ledger_rows
    }

    /// The committed processed records, by payment (for saving durable state).
    pub fn processed_table(&self) -> &[bool] {
        &self.processed
    }

    /// A database sized for `payments` payments, pruning processed records older than `retention`.
    pub fn new(payments: u32, retention: Option<Millis>) -> Self {
        Database {
            ledger_rows: vec![0; payments as usize],
            processed: vec![false; payments as usize],
            retention,
            recorded_at: match retention {
                Some(_) => vec![0; payments as usize],
                None => Vec::new(),
            },
            ..Default::default()
        }
    }

    /// Is the committed record under `key` still there at `now` (committed and not yet pruned)?
    #[inline(always)]
    fn live(&self, key: u32, now: Millis) -> bool {
        self.processed(key)
            && (self.retention.is_none()
                || kept(self.retention, self.recorded_at[key as usize], now))
    }

    /// Opens a transaction for `consumer` (replacing nothing: a consumer has at most one).
    pub fn begin(&mut self, consumer: u8, payment: u32) {
        self.open[consumer as usize] = Some(Tx {
            payment,
            ledger: false,
            record: false,
            key: payment,
        });
    }

    /// The consumer's open transaction.
    pub fn tx(&self, consumer: u8) -> Option<Tx> {
        self.open[consumer as usize]
    }

    /// Is `key` already processed, as seen by `consumer` at `now` (committed records not yet pruned,
    /// plus its own transaction)?
    pub fn is_processed(&self, consumer: u8, key: u32, now: Millis) -> bool {
        self.live(key, now)
            || self.open[consumer as usize].is_some_and(|t| t.key == key && t.record)
    }

    /// Writes the ledger: in the consumer's transaction if one is open, else committed at once.
    pub fn write_ledger(&mut self, consumer: u8, payment: u32, style: LedgerWrite) -> WriteResult {
        let already = self.ledger_rows[payment as usize] > 0;
        if style != LedgerWrite::Append && already {
            return WriteResult::Unchanged;
        }
        match &mut self.open[consumer as usize] {
            Some(tx) => tx.ledger = true,
            None => self.apply_ledger(payment, style),
        }
        WriteResult::Written
    }

    /// Inserts the processed record under `key` at `now`, enforcing the unique constraint against
    /// committed records not yet pruned.
    pub fn write_record(
        &mut self,
        consumer: u8,
        key: u32,
        check: RecordCheck,
        now: Millis,
    ) -> WriteResult {
        if check == RecordCheck::UniqueConstraint && self.live(key, now) {
            return WriteResult::Conflict;
        }
        match &mut self.open[consumer as usize] {
            Some(tx) => {
                tx.record = true;
                tx.key = key;
            }
            None => self.mark_processed(key, now),
        }
        WriteResult::Written
    }

    /// Commits a processed record under `key`, growing the table for a key past it (a message id
    /// of a republished message).
    /// Its retention starts at `now`.
    fn mark_processed(&mut self, key: u32, now: Millis) {
        let k = key as usize;
        if k >= self.processed.len() {
            self.processed.resize(k + 1, false);
        }
        self.processed[k] = true;
        if self.retention.is_some() {
            if k >= self.recorded_at.len() {
                self.recorded_at.resize(k + 1, 0);
            }
            self.recorded_at[k] = now;
        }
    }

    /// Commits the consumer's transaction. Under a unique constraint, a record another transaction
    /// committed in the meantime makes this one abort (the race's loser); its writes are discarded.
    /// The record's retention starts at `now`.
    pub fn commit(
        &mut self,
        consumer: u8,
        check: RecordCheck,
        style: LedgerWrite,
        now: Millis,
    ) -> WriteResult {
        let Some(tx) = self.open[consumer as usize].take() else {
            return WriteResult::Unchanged;
        };
        if tx.record && check == RecordCheck::UniqueConstraint && self.live(tx.key, now) {
            return WriteResult::Conflict;
        }
        if tx.ledger {
            self.apply_ledger(tx.payment, style);
        }
        if tx.record {
            self.mark_processed(tx.key, now);
        }
        WriteResult::Written
    }

    /// Discards the consumer's open transaction; returns it if there was one.
    pub fn rollback(&mut self, consumer: u8) -> Option<Tx> {
        self.open[consumer as usize].take()
    }

    fn apply_ledger(&mut self, payment: u32, style: LedgerWrite) {
        let rows = &mut self.ledger_rows[payment as usize];
        match style {
            LedgerWrite::Append => *rows = rows.saturating_add(1),
            // A compare-and-set or a set insert can only ever leave one entry.
            LedgerWrite::Conditional | LedgerWrite::Commutative => *rows = 1,
        }
        self.total_rows = self.total_rows.wrapping_add(1);
    }

    /// Committed ledger entries for `payment`.
    pub fn ledger_rows(&self, payment: u32) -> u8 {
        self.ledger_rows.get(payment as usize).copied().unwrap_or(0)
    }

    /// Is there a committed processed record under `key`?
    pub fn processed(&self, key: u32) -> bool {
        self.processed.get(key as usize).copied().unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LedgerWrite::*;
    use RecordCheck::*;

    #[test]
    fn rollback_discards_the_ledger_row() {
        let mut db = Database::new(1, None);
        db.begin(0, 0);
        db.write_ledger(0, 0, Append);
        db.write_record(0, 0, UniqueConstraint, 0);
        assert!(
            db.is_processed(0, 0, 0),
            "a transaction sees its own writes"
        );
        assert!(!db.is_processed(1, 0, 0), "others do not");
        db.rollback(0);
        assert_eq!(db.ledger_rows(0), 0);
        assert!(!db.processed(0));
    }

    #[test]
    fn unique_constraint_aborts_the_second_commit() {
        let mut db = Database::new(1, None);
        db.begin(0, 0);
        db.begin(1, 0);
        for c in [0, 1] {
            db.write_ledger(c, 0, Append);
            assert_eq!(
                db.write_record(c, 0, UniqueConstraint, 0),
                WriteResult::Written
            );
        }
        assert_eq!(
            db.commit(0, UniqueConstraint, Append, 0),
            WriteResult::Written
        );
        assert_eq!(
            db.commit(1, UniqueConstraint, Append, 0),
            WriteResult::Conflict
        );
        assert_eq!(db.ledger_rows(0), 1);
    }

    #[test]
    fn check_then_insert_lets_both_racers_write() {
        let mut db = Database::new(1, None);
        db.begin(0, 0);
        db.begin(1, 0);
        for c in [0, 1] {
            db.write_ledger(c, 0, Append);
            db.write_record(c, 0, CheckThenInsert, 0);
        }
        db.commit(0, CheckThenInsert, Append, 0);
        db.commit(1, CheckThenInsert, Append, 0);
        assert_eq!(db.ledger_rows(0), 2);
    }

    #[test]
    fn a_pruned_record_lets_the_repeat_through_and_starts_a_new_window() {
        let mut db = Database::new(1, Some(1_000));
        db.begin(0, 0);
        db.write_record(0, 0, UniqueConstraint, 10);
        assert_eq!(
            db.commit(0, UniqueConstraint, Append, 10),
            WriteResult::Written
        );
        assert!(db.is_processed(0, 0, 1_009), "kept within the window");
        assert!(!db.is_processed(0, 0, 1_010), "pruned once 1,000 ms old");
        db.begin(0, 0);
        assert_eq!(
            db.write_record(0, 0, UniqueConstraint, 1_010),
            WriteResult::Written,
            "the unique constraint has no row to conflict with"
        );
        db.commit(0, UniqueConstraint, Append, 1_010);
        assert!(
            db.is_processed(0, 0, 2_009),
            "the new record has its own window"
        );
    }

    #[test]
    fn conditional_write_is_idempotent_without_a_transaction() {
        let mut db = Database::new(1, None);
        assert_eq!(db.write_ledger(0, 0, Conditional), WriteResult::Written);
        assert_eq!(db.write_ledger(0, 0, Conditional), WriteResult::Unchanged);
        assert_eq!(db.ledger_rows(0), 1);
    }
}
