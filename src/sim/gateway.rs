//! The card gateway: the side effect that lives outside the database.
//!
//! A database transaction can roll back a ledger row; it cannot roll back money taken from a card.
//! A repeated charge is harmless only if the gateway recognises it — the idempotency key — or if the
//! consumer recorded the charge durably before making it and looks it up first.
//!
//! The gateway also has a capacity: it works on a bounded number of calls at once and queues the
//! rest, and with more calls inside than it has room for, each call takes longer (contention). A
//! caller that stops waiting does not cancel its call: the gateway still works through it and may
//! charge the card after the caller gave up. That is how timeouts and retries turn an overload into a
//! retry storm that outlasts its cause, and into double charges without a key.

//!
//! Keys do not last forever. Stripe documents that an idempotency key may be pruned once it is at
//! least 24 hours old, and a request reusing a pruned key is treated as a new one. Under a key
//! retention window ([`super::config::Retention::gateway_keys_ms`]) the gateway here forgets a key
//! that long after the charge that stored it, so a repeat arriving later moves money again.

use super::config::{Millis, kept};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// What the gateway answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChargeResult {
    /// New money moved.
    Charged,
    /// The idempotency key was seen before: the first charge is returned, no new money moves.
    Replayed,
    /// The gateway failed; no money moved.
    Failed,
}

/// One call in the gateway, from the moment it arrives until it is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    /// The payment being charged.
    pub payment: u32,
    /// The consumer that made the call.
    pub consumer: u8,
    /// That consumer's incarnation, so an answer to a crashed consumer is nobody's answer.
    pub epoch: u32,
    /// The idempotency key sent, if any (the payment id, or the message id).
    pub key: Option<u32>,
    /// The caller gave up (timed out or died): the answer reaches nobody.
    pub abandoned: bool,
}

/// Durable record of every charge, per payment, plus the calls in progress.
#[derive(Clone, Debug, Default)]
pub struct Gateway {
    charges: Vec<u8>,
    keyed: Vec<bool>,
    /// The key retention window; `None` keeps keys forever.
    key_retention: Option<Millis>,
    /// When each key was stored; kept only under a retention window.
    keyed_at: Vec<Millis>,
    attempts: Vec<u8>,
    total_charges: u64,
    capacity: u32,
    /// Calls by id; `None` once answered (ids are reused through `free`).
    calls: Vec<Option<Call>>,
    free: Vec<u32>,
    /// Calls being served.
    in_service: u32,
    /// Calls waiting for a free slot, oldest first.
    waiting: VecDeque<u32>,
}

impl Gateway {
    /// The gateway's records, rebuilt after a crash of the page. Calls in progress died with the page.
    /// The saved state keeps no key times, so under a retention window a restored key counts as
    /// stored at `now`, the moment of the reload.
    pub fn restore(
        charges: Vec<u8>,
        keyed: Vec<bool>,
        attempts: Vec<u8>,
        capacity: u8,
        key_retention: Option<Millis>,
        now: Millis,
    ) -> Self {
        let keyed_at = match key_retention {
            Some(_) => vec![now; keyed.len()],
            None => Vec::new(),
        };
        let total_charges = charges.iter().map(|c| *c as u64).sum();
        let mut attempts = attempts;
        attempts.resize(charges.len(), 0);
        Gateway {
            charges,
            keyed,
            key_retention,
            keyed_at,
            attempts,
            total_charges,
            capacity: capacity.max(1) as u32,
            ..Default::default()
        }
    }

    /// Charges per payment, keys seen and attempts per payment (for saving durable state).
    pub fn tables(&self) -> (&[u8], &[bool], &[u8]) {
        (&self.charges, &self.keyed, &self.attempts)
    }

    /// A gateway sized for `payments` payments, serving `capacity` calls at once.
    /// Idempotency keys older than `key_retention` are forgotten.
    pub fn new(payments: u32, capacity: u8, key_retention: Option<Millis>) -> Self {
        Gateway {
            charges: vec![0; payments as usize],
            keyed: vec![false; payments as usize],
            key_retention,
            keyed_at: match key_retention {
                Some(_) => vec![0; payments as usize],
                None => Vec::new(),
            },
            attempts: vec![0; payments as usize],
            capacity: capacity.max(1) as u32,
            ..Default::default()
        }
    }

    /// A call arrives. Returns its id and whether it starts service now (a free slot and `serving`)
    /// or waits in line.
    pub fn submit(&mut self, call: Call, serving: bool) -> (u32, bool) {
        let id = match self.free.pop() {
            Some(id) => {
                self.calls[id as usize] = Some(call);
                id
            }
            None => {
                self.calls.push(Some(call));
                (self.calls.len() - 1) as u32
            }
        };
        if serving && self.in_service < self.capacity {
            self.in_service += 1;
            (id, true)
        } else {
            self.waiting.push_back(id);
            (id, false)
        }
    }

    /// How much longer than alone a call takes when it starts now: 1 up to capacity, then growing
    /// with the calls inside (contention), as a fraction `(numerator, denominator)`.
    pub fn slowdown(&self) -> (u64, u64) {
        let inside = (self.in_service + self.waiting.len() as u32) as u64;
        let capacity = self.capacity as u64;
        if inside > capacity {
            (inside, capacity)
        } else {
            (1, 1)
        }
    }

    /// The next waiting call takes a free slot, if there is one; returns its id.
    pub fn start_next(&mut self) -> Option<u32> {
        if self.in_service >= self.capacity {
            return None;
        }
        let id = self.waiting.pop_front()?;
        self.in_service += 1;
        Some(id)
    }

    /// A call's service ended: frees its slot and returns the call.
    pub fn finish(&mut self, id: u32) -> Option<Call> {
        let call = self.calls.get_mut(id as usize)?.take()?;
        self.in_service = self.in_service.saturating_sub(1);
        self.free.push(id);
        Some(call)
    }

    /// The caller gave up on call `id` (timeout or crash); the gateway carries on with it.
    pub fn abandon(&mut self, id: u32) {
        if let Some(Some(c)) = self.calls.get_mut(id as usize) {
            c.abandoned = true;
        }
    }

    /// The call with this id, if it is still in the gateway.
    pub fn call(&self, id: u32) -> Option<Call> {
        self.calls.get(id as usize).copied().flatten()
    }

    /// Calls in the gateway: being served plus waiting (abandoned ones included — they still cost).
    pub fn load(&self) -> u32 {
        self.in_service + self.waiting.len() as u32
    }

    /// Calls waiting for a slot.
    pub fn queued(&self) -> u32 {
        self.waiting.len() as u32
    }

    /// Counts one more attempt to charge `payment`; returns how many attempts came before it.
    pub fn count_attempt(&mut self, payment: u32) -> u8 {
        let a = &mut self.attempts[payment as usize];
        let before = *a;
        *a = a.saturating_add(1);
        before
    }

    /// Charges `payment`, with `key` as the idempotency key if one is sent. `failed` is decided by
    /// the caller (faults are the simulation's, drawn from its PRNG). Keys past the payments (message
    /// ids of republished messages) grow the table of keys seen. A key stored longer ago than the
    /// retention window has been pruned: the call charges anew at `now` and stores the key again.
    #[inline]
    pub fn charge(
        &mut self,
        payment: u32,
        key: Option<u32>,
        failed: bool,
        now: Millis,
    ) -> ChargeResult {
        let i = payment as usize;
        if failed {
            return ChargeResult::Failed;
        }
        if let Some(k) = key
            && self.seen_key(k, now)
        {
            return ChargeResult::Replayed;
        }
        self.charges[i] = self.charges[i].saturating_add(1);
        self.total_charges += 1;
        ChargeResult::Charged
    }

    /// Does the gateway still hold idempotency key `key` at `now` (seen before and not pruned)?
    /// Records it if not (the table grows for a key past it: a message id of a republished message).
    fn seen_key(&mut self, key: u32, now: Millis) -> bool {
        let k = key as usize;
        if k >= self.keyed.len() {
            self.keyed.resize(k + 1, false);
        }
        let live = std::mem::replace(&mut self.keyed[k], true)
            && (self.key_retention.is_none() || kept(self.key_retention, self.keyed_at[k], now));
        if !live && self.key_retention.is_some() {
            // A new key, or one stored again after it was pruned: its window starts now.
            if k >= self.keyed_at.len() {
                self.keyed_at.resize(k + 1, 0);
            }
            self.keyed_at[k] = now;
        }
        live
    }

    /// How many times money moved for `payment`.
    pub fn charges(&self, payment: u32) -> u8 {
        self.charges.get(payment as usize).copied().unwrap_or(0)
    }

    /// Every charge made, duplicates included.
    pub fn total_charges(&self) -> u64 {
        self.total_charges
    }

    /// Heap bytes of the per-payment tables and the calls.
    pub fn heap_bytes(&self) -> usize {
        self.charges.capacity()
            + self.keyed.capacity()
            + self.keyed_at.capacity() * 8
            + self.attempts.capacity()
            + self.calls.capacity() * std::mem::size_of::<Option<Call>>()
            + (self.free.capacity() + self.waiting.capacity()) * 4
    }
}

/// Service time of a call starting now, given its base duration and the gateway's slowdown.
pub fn service_time(base: Millis, (num, den): (u64, u64)) -> Millis {
    base.saturating_mul(num) / den.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(payment: u32) -> Call {
        Call {
            payment,
            consumer: 0,
            epoch: 0,
            key: None,
            abandoned: false,
        }
    }

    #[test]
    fn a_repeated_key_returns_the_first_charge() {
        let mut g = Gateway::new(2, 4, None);
        assert_eq!(g.charge(0, Some(0), false, 0), ChargeResult::Charged);
        assert_eq!(g.charge(0, Some(0), false, 0), ChargeResult::Replayed);
        assert_eq!(g.charges(0), 1);
    }

    #[test]
    fn a_pruned_key_is_a_new_request() {
        let day = crate::sim::config::STRIPE_KEY_RETENTION_MS;
        let mut g = Gateway::new(1, 4, Some(day));
        assert_eq!(g.charge(0, Some(0), false, 5), ChargeResult::Charged);
        assert_eq!(g.charge(0, Some(0), false, day + 4), ChargeResult::Replayed);
        assert_eq!(g.charge(0, Some(0), false, day + 5), ChargeResult::Charged);
        assert_eq!(g.charges(0), 2, "the key was gone, so money moved twice");
    }

    #[test]
    fn without_a_key_every_call_charges() {
        let mut g = Gateway::new(1, 4, None);
        g.charge(0, None, false, 0);
        g.charge(0, None, false, 0);
        assert_eq!(g.charges(0), 2);
        assert_eq!(g.charge(0, None, true, 0), ChargeResult::Failed);
        assert_eq!(g.total_charges(), 2);
    }

    #[test]
    fn calls_beyond_capacity_wait_and_slow_everyone_down() {
        let mut g = Gateway::new(4, 2, None);
        let a = g.submit(call(0), true);
        let b = g.submit(call(1), true);
        let c = g.submit(call(2), true);
        assert!(a.1 && b.1 && !c.1, "two slots, the third call waits");
        assert_eq!(
            g.slowdown(),
            (3, 2),
            "three calls inside a gateway built for two"
        );
        assert_eq!(service_time(40, g.slowdown()), 60);
        assert_eq!(g.start_next(), None, "no free slot yet");
        g.finish(a.0);
        assert_eq!(g.start_next(), Some(c.0));
        assert_eq!(g.load(), 2);
    }

    #[test]
    fn an_abandoned_call_is_still_served() {
        let mut g = Gateway::new(1, 1, None);
        let (id, _) = g.submit(call(0), true);
        g.abandon(id);
        let c = g.finish(id).unwrap();
        assert!(c.abandoned);
        assert_eq!(g.charge(c.payment, c.key, false, 0), ChargeResult::Charged);
    }
}
