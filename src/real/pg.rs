//! PostgreSQL: the consumer's database (ledger + processed records) and, in a schema of its own, the
//! card gateway's charges.
//!
//! The gateway lives in the same server for convenience only: the consumer writes it through a second,
//! autocommit connection, so a charge is never part of the consumer's transaction — exactly like a card
//! network, a rollback cannot take the money back. Its idempotency key is a `UNIQUE` column: a charge
//! sent with a key already seen inserts nothing (`ON CONFLICT DO NOTHING`), which is the gateway
//! returning the first charge.

use super::RealError;
use crate::sim::config::{LedgerWrite, RecordCheck};
use postgres::error::SqlState;
use postgres::{Client, NoTls};

/// The consumer's schema: `ledger` and `processed`.
pub const APP_SCHEMA: &str = "redelivery_lab";
/// The card gateway's schema: `charges`.
pub const GATEWAY_SCHEMA: &str = "redelivery_lab_gateway";

/// Opens a connection (no TLS: the lab talks to a throwaway server on loopback).
pub fn connect(url: &str) -> Result<Client, RealError> {
    Client::connect(url, NoTls).map_err(|e| {
        RealError::Setup(format!(
            "PostgreSQL at {}: {}",
            super::redact(url),
            super::chain(&e)
        ))
    })
}

/// Drops and recreates both schemas for one row. `processed` has a primary key under the unique
/// constraint, and no key at all under check-then-insert (the check is a separate `SELECT`).
pub fn reset(client: &mut Client, check: RecordCheck) -> Result<(), RealError> {
    let processed = match check {
        RecordCheck::UniqueConstraint => "msg_id integer PRIMARY KEY",
        RecordCheck::CheckThenInsert => "msg_id integer NOT NULL",
    };
    let sql = format!(
        "SET client_min_messages = warning;
         DROP SCHEMA IF EXISTS {APP_SCHEMA} CASCADE;
         DROP SCHEMA IF EXISTS {GATEWAY_SCHEMA} CASCADE;
         CREATE SCHEMA {APP_SCHEMA};
         CREATE SCHEMA {GATEWAY_SCHEMA};
         CREATE TABLE {APP_SCHEMA}.ledger (
             id bigserial PRIMARY KEY,
             payment_id integer NOT NULL,
             customer text NOT NULL,
             amount_cents integer NOT NULL,
             written_at timestamptz NOT NULL DEFAULT now());
         CREATE TABLE {APP_SCHEMA}.processed ({processed});
         CREATE TABLE {GATEWAY_SCHEMA}.charges (
             id bigserial PRIMARY KEY,
             payment_id integer NOT NULL,
             amount_cents integer NOT NULL,
             idempotency_key text UNIQUE,
             charged_at timestamptz NOT NULL DEFAULT now());"
    );
    client
        .batch_execute(&sql)
        .map_err(|e| RealError::Setup(format!("creating the lab's tables: {e}")))
}

/// Drops both schemas (after the last row).
pub fn drop_all(client: &mut Client) -> Result<(), RealError> {
    client
        .batch_execute(&format!(
            "SET client_min_messages = warning;
             DROP SCHEMA IF EXISTS {APP_SCHEMA} CASCADE;
             DROP SCHEMA IF EXISTS {GATEWAY_SCHEMA} CASCADE;"
        ))
        .map_err(|e| RealError::Setup(format!("dropping the lab's tables: {e}")))
}

/// Rows per payment in `table` (`ledger` or the gateway's `charges`), for payments `0..payments`.
fn counts(client: &mut Client, table: &str, payments: u32) -> Result<Vec<u32>, RealError> {
    let mut out = vec![0u32; payments as usize];
    let rows = client
        .query(
            &format!("SELECT payment_id, count(*) FROM {table} GROUP BY payment_id"),
            &[],
        )
        .map_err(|e| RealError::Run(format!("reading {table}: {e}")))?;
    for r in rows {
        let p: i32 = r.get(0);
        let n: i64 = r.get(1);
        if let Some(slot) = usize::try_from(p).ok().and_then(|p| out.get_mut(p)) {
            *slot = n.clamp(0, u32::MAX as i64) as u32;
        }
    }
    Ok(out)
}

/// Committed ledger rows per payment.
pub fn ledger_counts(client: &mut Client, payments: u32) -> Result<Vec<u32>, RealError> {
    counts(client, &format!("{APP_SCHEMA}.ledger"), payments)
}

/// Charges per payment (replayed keys add none).
pub fn charge_counts(client: &mut Client, payments: u32) -> Result<Vec<u32>, RealError> {
    counts(client, &format!("{GATEWAY_SCHEMA}.charges"), payments)
}

/// What a statement of the consumer did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Write {
    /// It took effect (or is pending in the open transaction).
    Done,
    /// A unique constraint refused it.
    Conflict,
}

/// The consumer's side of the database: one connection for its own tables, in transactions or in
/// autocommit as the strategy says, and one autocommit connection standing for the card gateway.
pub struct ConsumerDb {
    app: Client,
    gateway: Client,
}

impl ConsumerDb {
    /// Opens both connections.
    pub fn connect(url: &str) -> Result<ConsumerDb, RealError> {
        Ok(ConsumerDb {
            app: connect(url)?,
            gateway: connect(url)?,
        })
    }

    /// `BEGIN`.
    pub fn begin(&mut self) -> Result<(), RealError> {
        self.app.batch_execute("BEGIN").map_err(run("BEGIN"))
    }

    /// `COMMIT`; a deferred unique violation aborts it (the transaction is over either way).
    pub fn commit(&mut self) -> Result<Write, RealError> {
        conflict_or(self.app.batch_execute("COMMIT"), "COMMIT")
    }

    /// `ROLLBACK`.
    pub fn rollback(&mut self) -> Result<(), RealError> {
        self.app.batch_execute("ROLLBACK").map_err(run("ROLLBACK"))
    }

    /// Is there a processed record for `msg_id` (committed, or written by the open transaction)?
    pub fn is_processed(&mut self, msg_id: u32) -> Result<bool, RealError> {
        let row = self
            .app
            .query_one(
                &format!("SELECT count(*) FROM {APP_SCHEMA}.processed WHERE msg_id = $1"),
                &[&(msg_id as i32)],
            )
            .map_err(run("the processed-record check"))?;
        Ok(row.get::<_, i64>(0) > 0)
    }

    /// Charges the card through the gateway's own connection, outside any transaction of the consumer.
    /// With `key`, a second charge of the same payment is a replay and moves no money.
    pub fn charge(&mut self, payment: u32, amount_cents: u32, key: bool) -> Result<(), RealError> {
        let key = key.then(|| format!("payment-{payment}"));
        self.gateway
            .execute(
                &format!(
                    "INSERT INTO {GATEWAY_SCHEMA}.charges (payment_id, amount_cents, idempotency_key) \
                     VALUES ($1, $2, $3) ON CONFLICT (idempotency_key) DO NOTHING"
                ),
                &[&(payment as i32), &(amount_cents as i32), &key],
            )
            .map(|_| ())
            .map_err(run("the card charge"))
    }

    /// Writes the payment into the ledger: an appended row, or (conditional / commutative styles) a row
    /// only if the payment has none yet.
    pub fn write_ledger(
        &mut self,
        payment: u32,
        customer: &str,
        amount_cents: u32,
        style: LedgerWrite,
    ) -> Result<(), RealError> {
        let insert = format!(
            "INSERT INTO {APP_SCHEMA}.ledger (payment_id, customer, amount_cents) SELECT $1, $2, $3"
        );
        let sql = match style {
            LedgerWrite::Append => insert,
            LedgerWrite::Conditional | LedgerWrite::Commutative => format!(
                "{insert} WHERE NOT EXISTS (SELECT 1 FROM {APP_SCHEMA}.ledger WHERE payment_id = $1)"
            ),
        };
        self.app
            .execute(
                &sql,
                &[&(payment as i32), &customer, &(amount_cents as i32)],
            )
            .map(|_| ())
            .map_err(run("the ledger write"))
    }

    /// Inserts the processed record; under the unique constraint a second one is refused.
    pub fn write_record(&mut self, msg_id: u32) -> Result<Write, RealError> {
        conflict_or(
            self.app
                .execute(
                    &format!("INSERT INTO {APP_SCHEMA}.processed (msg_id) VALUES ($1)"),
                    &[&(msg_id as i32)],
                )
                .map(|_| ()),
            "the processed-record insert",
        )
    }
}

fn run(what: &'static str) -> impl Fn(postgres::Error) -> RealError {
    move |e| RealError::Run(format!("{what}: {}", super::chain(&e)))
}

fn conflict_or(r: Result<(), postgres::Error>, what: &'static str) -> Result<Write, RealError> {
    match r {
        Ok(()) => Ok(Write::Done),
        Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => Ok(Write::Conflict),
        Err(e) => Err(run(what)(e)),
    }
}
