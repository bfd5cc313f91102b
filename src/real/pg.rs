//! PostgreSQL: the consumer's database (ledger + processed records) and, in a schema of its own, the
//! card gateway's charges.
//!
//! The gateway lives in the same server for convenience only: the consumer writes it through a second,
//! autocommit connection, so a charge is never part of the consumer's transaction — exactly like a card
//! network, a rollback cannot take the money back. Its idempotency key is a `UNIQUE` column: a charge
//! sent with a key already seen inserts nothing (`ON CONFLICT DO NOTHING`), which is the gateway
//! returning the first charge.

use super::RealError;
use super::io::Io;
use crate::sim::config::{LedgerWrite, RecordCheck};
use std::str::FromStr as _;
use std::time::Duration;
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, Config, NoTls};

/// The consumer's schema: `ledger` and `processed`.
pub const APP_SCHEMA: &str = "redelivery_lab";
/// The card gateway's schema: `charges`.
pub const GATEWAY_SCHEMA: &str = "redelivery_lab_gateway";

/// Checks a PostgreSQL URL without connecting: `Err` is a sentence for the user.
pub fn parse_url(url: &str) -> Result<Config, String> {
    let bad = |why: String| {
        format!(
            "--postgres “{}” is not a PostgreSQL URL ({why}); expected postgres://user@host:port/database.",
            super::redact(url)
        )
    };
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(bad("it must start with postgres://".into()));
    }
    Config::from_str(url).map_err(|e| bad(e.to_string()))
}

/// Opens a connection (no TLS: the lab talks to a throwaway server on loopback) within the connect
/// deadline, which covers the TCP connection, the start-up handshake and authentication.
pub fn connect(io: &Io, url: &str) -> Result<Client, RealError> {
    let mut config = parse_url(url).map_err(RealError::Setup)?;
    config.connect_timeout(Duration::from_millis(io.timeouts.connect_ms));
    let at = || format!("PostgreSQL at {}", super::redact(url));
    let (client, connection) = io
        .within(io.timeouts.connect_ms, &at(), config.connect(NoTls))?
        .map_err(|e| RealError::Setup(format!("{}: {}", at(), super::chain(&e))))?;
    // The connection object owns the socket: it runs on the runtime for as long as the client lives.
    io.spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}

/// Drops and recreates both schemas for one row. `processed` has a primary key under the unique
/// constraint, and no key at all under check-then-insert (the check is a separate `SELECT`).
pub fn reset(io: &Io, client: &Client, check: RecordCheck) -> Result<(), RealError> {
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
             charged_at timestamptz NOT NULL DEFAULT now());
         CREATE TABLE {GATEWAY_SCHEMA}.attempts (
             payment_id integer PRIMARY KEY,
             attempts integer NOT NULL);"
    );
    io.wait("creating the lab's tables", client.batch_execute(&sql))
        .map_err(super::as_setup)
}

/// Drops both schemas (after the last row).
pub fn drop_all(io: &Io, client: &Client) -> Result<(), RealError> {
    io.wait(
        "dropping the lab's tables",
        client.batch_execute(&format!(
            "SET client_min_messages = warning;
             DROP SCHEMA IF EXISTS {APP_SCHEMA} CASCADE;
             DROP SCHEMA IF EXISTS {GATEWAY_SCHEMA} CASCADE;"
        )),
    )
    .map_err(super::as_setup)
}

/// Rows per payment in `table` (`ledger` or the gateway's `charges`), for payments `0..payments`.
fn counts(io: &Io, client: &Client, table: &str, payments: u32) -> Result<Vec<u32>, RealError> {
    let mut out = vec![0u32; payments as usize];
    let sql = format!("SELECT payment_id, count(*) FROM {table} GROUP BY payment_id");
    let rows = io.wait(&format!("reading {table}"), client.query(&sql, &[]))?;
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
pub fn ledger_counts(io: &Io, client: &Client, payments: u32) -> Result<Vec<u32>, RealError> {
    counts(io, client, &format!("{APP_SCHEMA}.ledger"), payments)
}

/// Charges per payment (replayed keys add none).
pub fn charge_counts(io: &Io, client: &Client, payments: u32) -> Result<Vec<u32>, RealError> {
    counts(io, client, &format!("{GATEWAY_SCHEMA}.charges"), payments)
}

/// What a statement of the consumer did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Write {
    /// It took effect (or is pending in the open transaction).
    Done,
    /// A unique constraint refused it.
    Conflict,
}

/// What the card gateway answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charge {
    /// Charged (or, with a key seen before, the first charge replayed).
    Done,
    /// A scripted failure: nothing charged.
    Failed,
}

/// The consumer's side of the database: one connection for its own tables, in transactions or in
/// autocommit as the strategy says, and one autocommit connection standing for the card gateway.
pub struct ConsumerDb<'a> {
    io: &'a Io,
    app: Client,
    gateway: Client,
}

impl<'a> ConsumerDb<'a> {
    /// Opens both connections.
    pub fn connect(io: &'a Io, url: &str) -> Result<ConsumerDb<'a>, RealError> {
        Ok(ConsumerDb {
            io,
            app: connect(io, url)?,
            gateway: connect(io, url)?,
        })
    }

    /// `BEGIN`.
    pub fn begin(&mut self) -> Result<(), RealError> {
        self.io.wait("BEGIN", self.app.batch_execute("BEGIN"))
    }

    /// `COMMIT`; a deferred unique violation aborts it (the transaction is over either way).
    pub fn commit(&mut self) -> Result<Write, RealError> {
        let r = self.io.within(
            self.io.timeouts.read_ms,
            "COMMIT",
            self.app.batch_execute("COMMIT"),
        )?;
        conflict_or(r, "COMMIT")
    }

    /// `ROLLBACK`.
    pub fn rollback(&mut self) -> Result<(), RealError> {
        self.io.wait("ROLLBACK", self.app.batch_execute("ROLLBACK"))
    }

    /// Is there a processed record for `msg_id` (committed, or written by the open transaction)?
    pub fn is_processed(&mut self, msg_id: u32) -> Result<bool, RealError> {
        let sql = format!("SELECT count(*) FROM {APP_SCHEMA}.processed WHERE msg_id = $1");
        let row = self.io.wait(
            "the processed-record check",
            self.app.query_one(&sql, &[&(msg_id as i32)]),
        )?;
        Ok(row.get::<_, i64>(0) > 0)
    }

    /// Charges the card through the gateway's own connection, outside any transaction of the consumer.
    /// With `key`, a second charge of the same payment is a replay and moves no money. The gateway
    /// counts every attempt per payment, and the first `fail_first` attempts of each payment fail.
    pub fn charge(
        &mut self,
        payment: u32,
        amount_cents: u32,
        key: bool,
        fail_first: u8,
    ) -> Result<Charge, RealError> {
        let attempt_sql = format!(
            "INSERT INTO {GATEWAY_SCHEMA}.attempts AS a (payment_id, attempts) VALUES ($1, 1) \
             ON CONFLICT (payment_id) DO UPDATE SET attempts = a.attempts + 1 RETURNING attempts"
        );
        let row = self.io.wait(
            "counting the charge attempt",
            self.gateway.query_one(&attempt_sql, &[&(payment as i32)]),
        )?;
        if row.get::<_, i32>(0) <= i32::from(fail_first) {
            return Ok(Charge::Failed);
        }
        let key = key.then(|| format!("payment-{payment}"));
        let sql = format!(
            "INSERT INTO {GATEWAY_SCHEMA}.charges (payment_id, amount_cents, idempotency_key) \
             VALUES ($1, $2, $3) ON CONFLICT (idempotency_key) DO NOTHING"
        );
        self.io.wait(
            "the card charge",
            self.gateway
                .execute(&sql, &[&(payment as i32), &(amount_cents as i32), &key]),
        )?;
        Ok(Charge::Done)
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
        self.io.wait(
            "the ledger write",
            self.app.execute(
                &sql,
                &[&(payment as i32), &customer, &(amount_cents as i32)],
            ),
        )?;
        Ok(())
    }

    /// Inserts the processed record; under the unique constraint a second one is refused.
    pub fn write_record(&mut self, msg_id: u32) -> Result<Write, RealError> {
        let sql = format!("INSERT INTO {APP_SCHEMA}.processed (msg_id) VALUES ($1)");
        let r = self.io.within(
            self.io.timeouts.read_ms,
            "the processed-record insert",
            self.app.execute(&sql, &[&(msg_id as i32)]),
        )?;
        conflict_or(r.map(|_| ()), "the processed-record insert")
    }
}

fn conflict_or(r: Result<(), tokio_postgres::Error>, what: &str) -> Result<Write, RealError> {
    match r {
        Ok(()) => Ok(Write::Done),
        Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => Ok(Write::Conflict),
        Err(e) => Err(RealError::Run(format!("{what}: {}", super::chain(&e)))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_malformed_url_is_refused_before_connecting() {
        assert!(parse_url("postgres://postgres@127.0.0.1:54329/redelivery_lab").is_ok());
        assert!(parse_url("postgres://u:secret@127.0.0.1:notaport/db").is_err());
        let e = parse_url("amqp://u:secret@host/db").unwrap_err();
        assert!(
            e.contains("not a PostgreSQL URL") && !e.contains("secret"),
            "{e}"
        );
    }
}
