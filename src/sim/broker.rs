//! The broker: the `payments` queue, its dead-letter queue, and what makes it redeliver.
//!
//! In this queue the broker forgets a message only when it hears an ack (or, with auto-ack, when it
//! sends it). Until then, a disconnect (AMQP) or an expired visibility timeout (SQS) hands it out
//! again — correct behaviour, and the source of the duplicates a consumer must survive. A requeued
//! message goes back to its original position, as RabbitMQ does, so a crashed consumer's message is
//! the first thing delivered after it comes back; SQS makes no such promise.
//!
//! The broker knows messages, not payments. A payment's first publish is message `payment` (so a run
//! without producer duplicates numbers its messages exactly like its payments); a republish by the
//! producer or the outbox relay is a new message with the next free id past the payments, carrying
//! the same business payment — to the broker a stranger, delivered as a first delivery.

pub mod log;

use super::event::RequeueReason;
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Where a message is, from the broker's point of view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum MessageState {
    /// Not published yet.
    Unpublished,
    /// In the queue, waiting for a consumer.
    Ready,
    /// Delivered to `consumer`, not yet acknowledged.
    InFlight {
        /// The consumer holding it.
        consumer: u8,
    },
    /// Nacked, waiting out its retry delay.
    Waiting,
    /// Acknowledged and forgotten.
    Acked,
    /// Moved to the dead-letter queue.
    DeadLettered,
}

/// The broker's bookkeeping for one message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerMessage {
    /// Where it is.
    pub state: MessageState,
    /// How many times it has been delivered.
    pub deliveries: u16,
    /// When it was first published (simulated ms, saturating).
    pub published_at: u32,
    /// Why it was last made ready again, if it was (so a redelivery can be put down to its cause).
    #[serde(default)]
    pub returned_by: Option<RequeueReason>,
}

/// Where a message that becomes ready again is put in the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// Back at its original place, ahead of everything published after it: RabbitMQ's documented
    /// behaviour for a requeue (a consumer's disconnect or a `basic.nack`/`reject` with requeue).
    Original,
    /// At the tail, like a new publish: a message coming back from a TTL retry queue through a
    /// dead-letter exchange, or an SQS message whose visibility timeout ran out.
    Tail,
}

/// The queue and its dead-letter queue.
#[derive(Clone, Debug)]
pub struct Broker {
    /// Every message's record, by message id.
    messages: Vec<BrokerMessage>,
    /// Messages below this id are first publishes (message id = payment id).
    base: u32,
    /// The payment of each republished message (message `base + i` carries `copies[i]`).
    copies: Vec<u32>,
    /// Per payment, how many of its republished messages the broker holds (empty until the first
    /// republish, so a run without one pays nothing for it).
    copies_held: Vec<u8>,
    /// Ready messages at the tail, in arrival order (new publishes and tail returns); entries whose
    /// state changed since are skipped when popped.
    fifo: VecDeque<u32>,
    /// Requeued messages back at their original position: payment ids are publish order, so the
    /// smallest id is the head of the queue. Every entry here is older than everything in `fifo` that
    /// was never delivered, so these go first.
    returned: BinaryHeap<Reverse<u32>>,
    /// The ids of tail returns, so the age of the oldest ready message is found without a scan.
    tail_returns: BinaryHeap<Reverse<u32>>,
    held: [Vec<u32>; MAX_CONSUMERS],
    ready_count: u32,
    in_flight_count: u32,
    waiting_count: u32,
    dead_letter: Vec<u32>,
    /// The log's partitions and offsets, when the broker is a Kafka-like log ([`log`]).
    topic: Option<Box<log::Topic>>,
}

const MAX_CONSUMERS: usize = super::config::limits::MAX_CONSUMERS as usize;

impl Broker {
    /// A broker rebuilt from its durable records (after a real crash of the page): ready messages
    /// take their original positions; in-flight messages keep their owner until the caller decides.
    /// `copies` holds the payment of each republished message, in message-id order after the
    /// `payments` first publishes.
    pub fn restore(
        messages: Vec<BrokerMessage>,
        dead_letter: Vec<u32>,
        payments: u32,
        copies: Vec<u32>,
    ) -> Self {
        let mut b = Broker::new(0);
        b.messages = messages;
        b.dead_letter = dead_letter;
        b.base = payments;
        if !copies.is_empty() {
            b.copies_held = vec![0; payments as usize];
        }
        b.copies = copies;
        for p in 0..b.messages.len() as u32 {
            match b.messages[p as usize].state {
                MessageState::Ready => {
                    b.ready_count += 1;
                    b.returned.push(Reverse(p));
                }
                MessageState::InFlight { consumer } => {
                    b.in_flight_count += 1;
                    b.held[consumer as usize % MAX_CONSUMERS].push(p);
                }
                MessageState::Waiting => b.waiting_count += 1,
                _ => {}
            }
            if p >= b.base && b.holds(p) {
                let pay = b.payment(p) as usize;
                if let Some(h) = b.copies_held.get_mut(pay) {
                    *h = h.saturating_add(1);
                }
            }
        }
        b
    }

    /// A broker for `payments` messages.
    pub fn new(payments: u32) -> Self {
        Broker {
            messages: vec![
                BrokerMessage {
                    state: MessageState::Unpublished,
                    deliveries: 0,
                    published_at: 0,
                    returned_by: None,
                };
                payments as usize
            ],
            base: payments,
            copies: Vec::new(),
            copies_held: Vec::new(),
            fifo: VecDeque::new(),
            returned: BinaryHeap::new(),
            tail_returns: BinaryHeap::new(),
            held: Default::default(),
            ready_count: 0,
            in_flight_count: 0,
            waiting_count: 0,
            dead_letter: Vec::new(),
            topic: None,
        }
    }

    /// The broker's record of message `msg` (a payment's first publish is message `payment`).
    pub fn message(&self, msg: u32) -> BrokerMessage {
        self.messages[msg as usize]
    }

    /// Every message's record, by message id: the first publishes, then the republished messages.
    pub fn messages(&self) -> &[BrokerMessage] {
        &self.messages
    }

    /// The business payment message `msg` carries.
    #[inline(always)]
    pub fn payment(&self, msg: u32) -> u32 {
        if msg < self.base {
            msg
        } else {
            self.copies[(msg - self.base) as usize]
        }
    }

    /// The payment of each republished message, in message-id order (message `payments + i`).
    pub fn copies(&self) -> &[u32] {
        &self.copies
    }

    /// A new message for `payment` (a republish), published at `now`; returns its id.
    pub fn publish_copy(&mut self, payment: u32, now: u64) -> u32 {
        let msg = self.allocate_copy(payment);
        self.publish(msg, now);
        msg
    }

    /// A new message id for `payment` that the broker never publishes (a send an SQS FIFO queue
    /// dropped as a repeat); returns it.
    pub fn allocate_copy(&mut self, payment: u32) -> u32 {
        let msg = self.messages.len() as u32;
        self.messages.push(BrokerMessage {
            state: MessageState::Unpublished,
            deliveries: 0,
            published_at: 0,
            returned_by: None,
        });
        self.copies.push(payment);
        if self.copies_held.is_empty() {
            self.copies_held = vec![0; self.base as usize];
        }
        msg
    }

    /// Moves `msg` to `state`, keeping the counts and the consumer's held list right. Entering
    /// `Ready` does not place the message in the queue: the caller says where.
    #[inline(always)]
    fn set_state(&mut self, payment: u32, state: MessageState) {
        if payment >= self.base {
            self.count_copy(payment, state);
        }
        let m = &mut self.messages[payment as usize];
        match m.state {
            MessageState::Ready => self.ready_count -= 1,
            MessageState::InFlight { consumer } => {
                self.in_flight_count -= 1;
                let held = &mut self.held[consumer as usize % MAX_CONSUMERS];
                if let Some(i) = held.iter().position(|p| *p == payment) {
                    held.swap_remove(i);
                }
            }
            MessageState::Waiting => self.waiting_count -= 1,
            _ => {}
        }
        match state {
            MessageState::Ready => self.ready_count += 1,
            MessageState::InFlight { consumer } => {
                self.in_flight_count += 1;
                self.held[consumer as usize % MAX_CONSUMERS].push(payment);
            }
            MessageState::Waiting => self.waiting_count += 1,
            MessageState::DeadLettered => self.dead_letter.push(payment),
            _ => {}
        }
        m.state = state;
    }

    /// Keeps `copies_held` right when republished message `msg` moves to `state`.
    #[cold]
    fn count_copy(&mut self, msg: u32, state: MessageState) {
        let held = |s: MessageState| {
            matches!(
                s,
                MessageState::Ready | MessageState::InFlight { .. } | MessageState::Waiting
            )
        };
        let (was, is) = (held(self.messages[msg as usize].state), held(state));
        let count = &mut self.copies_held[self.copies[(msg - self.base) as usize] as usize];
        match (was, is) {
            (false, true) => *count = count.saturating_add(1),
            (true, false) => *count = count.saturating_sub(1),
            _ => {}
        }
    }

    /// The producer publishes message `payment` (its first publish) at `now`.
    pub fn publish(&mut self, payment: u32, now: u64) {
        self.messages[payment as usize].published_at = now.min(u32::MAX as u64) as u32;
        self.set_state(payment, MessageState::Ready);
        if self.topic.is_some() {
            self.append(payment);
        } else {
            self.fifo.push_back(payment);
        }
    }

    /// Takes the message at the head of the queue, if any.
    #[inline(always)]
    pub fn pop_ready(&mut self) -> Option<u32> {
        while let Some(Reverse(p)) = self.returned.pop() {
            if self.messages[p as usize].state == MessageState::Ready {
                return Some(p);
            }
        }
        while let Some(p) = self.fifo.pop_front() {
            if self.messages[p as usize].state == MessageState::Ready {
                return Some(p);
            }
        }
        None
    }

    /// Hands `payment` to `consumer`; returns its delivery count, from 1.
    #[inline(always)]
    pub fn deliver(&mut self, payment: u32, consumer: u8) -> u16 {
        self.set_state(payment, MessageState::InFlight { consumer });
        let m = &mut self.messages[payment as usize];
        m.deliveries = m.deliveries.saturating_add(1);
        m.deliveries
    }

    /// Hands `payment` to a consumer in automatic-acknowledgement mode: the broker counts it as done
    /// the moment it sends it and forgets it. Returns its delivery count, from 1.
    pub fn deliver_auto_acked(&mut self, payment: u32) -> u16 {
        self.set_state(payment, MessageState::Acked);
        let m = &mut self.messages[payment as usize];
        m.deliveries = m.deliveries.saturating_add(1);
        m.deliveries
    }

    /// An ack arrives. Accepted whatever delivery it belongs to, as long as the broker still holds the
    /// message (an ack by message id); returns false if it was already gone.
    #[inline]
    pub fn ack(&mut self, payment: u32) -> bool {
        match self.messages[payment as usize].state {
            MessageState::Ready | MessageState::InFlight { .. } | MessageState::Waiting => {
                self.set_state(payment, MessageState::Acked);
                true
            }
            _ => false,
        }
    }

    /// Makes `payment` ready again at `position`, or dead-letters it when it has used up
    /// `max_deliveries` (0 = unlimited). Returns true if it was dead-lettered.
    pub fn requeue(&mut self, payment: u32, max_deliveries: u8, position: Position) -> bool {
        let m = self.messages[payment as usize];
        if max_deliveries > 0 && m.deliveries >= max_deliveries as u16 {
            self.set_state(payment, MessageState::DeadLettered);
            return true;
        }
        self.set_state(payment, MessageState::Ready);
        match position {
            Position::Original => self.returned.push(Reverse(payment)),
            Position::Tail => {
                self.fifo.push_back(payment);
                self.tail_returns.push(Reverse(payment));
            }
        }
        false
    }

    /// Notes why `payment` was made ready again.
    pub fn set_returned_by(&mut self, payment: u32, reason: RequeueReason) {
        self.messages[payment as usize].returned_by = Some(reason);
    }

    /// A nacked message waits out its retry delay (in a retry queue, or invisible).
    pub fn park(&mut self, payment: u32) {
        self.set_state(payment, MessageState::Waiting);
    }

    /// Removes and returns the messages `consumer` holds unacknowledged (on its disconnect).
    pub fn take_held(&mut self, consumer: u8) -> Vec<u32> {
        let mut held = std::mem::take(&mut self.held[consumer as usize % MAX_CONSUMERS]);
        super::heap_sort::sort(&mut held);
        held
    }

    /// The ready message published earliest (the one the queue has made wait longest), if any.
    /// Stale index entries are dropped on the way, so the cost is spread over the run.
    pub fn oldest_ready(&mut self) -> Option<u32> {
        if self.topic.is_some() {
            return self.oldest_in_log();
        }
        let ready = |b: &Self, p: u32| b.messages[p as usize].state == MessageState::Ready;
        while let Some(Reverse(p)) = self.returned.peek().copied() {
            if ready(self, p) {
                break;
            }
            self.returned.pop();
        }
        while let Some(Reverse(p)) = self.tail_returns.peek().copied() {
            if ready(self, p) {
                break;
            }
            self.tail_returns.pop();
        }
        while let Some(p) = self.fifo.front().copied() {
            if ready(self, p) {
                break;
            }
            self.fifo.pop_front();
        }
        // The fifo's never-delivered entries are in publish order, so its front is its oldest fresh
        // message; older messages returned to the tail are in `tail_returns`.
        [
            self.returned.peek().map(|r| r.0),
            self.tail_returns.peek().map(|r| r.0),
            self.fifo.front().copied(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Heap bytes held by the broker's tables and queues.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.messages.capacity() * size_of::<BrokerMessage>()
            + self.copies_held.capacity()
            + (self.copies.capacity()
                + self.fifo.capacity()
                + self.returned.capacity()
                + self.tail_returns.capacity()
                + self.held.iter().map(Vec::capacity).sum::<usize>()
                + self.dead_letter.capacity())
                * size_of::<u32>()
            + self.topic.as_ref().map_or(0, |t| t.heap_bytes())
    }

    /// Messages waiting in the queue.
    pub fn ready_count(&self) -> u32 {
        self.ready_count
    }

    /// Messages delivered and not yet acknowledged.
    pub fn in_flight_count(&self) -> u32 {
        self.in_flight_count
    }

    /// Messages waiting out a retry delay.
    pub fn waiting_count(&self) -> u32 {
        self.waiting_count
    }

    /// The dead-letter queue, in arrival order.
    pub fn dead_letter(&self) -> &[u32] {
        &self.dead_letter
    }

    /// Ready messages in queue order, head first (for the view; skips stale entries).
    pub fn ready_queue(&self) -> impl Iterator<Item = u32> + '_ {
        let mut returned: Vec<u32> = self.returned.iter().map(|r| r.0).collect();
        super::heap_sort::sort(&mut returned);
        returned.dedup();
        returned
            .into_iter()
            .chain(self.fifo.iter().copied())
            .chain(self.topic.iter().flat_map(|t| {
                t.partitions
                    .iter()
                    .flat_map(|p| p.records[p.position as usize..].iter().copied())
            }))
            .filter(|p| self.messages[*p as usize].state == MessageState::Ready)
    }

    /// Is the broker still responsible for message `msg` (published and neither acked nor
    /// dead-lettered)?
    pub fn holds(&self, msg: u32) -> bool {
        matches!(
            self.messages[msg as usize].state,
            MessageState::Ready | MessageState::InFlight { .. } | MessageState::Waiting
        )
    }

    /// Does the broker hold any message of `payment` (its first publish or a republish)?
    pub fn holds_payment(&self, payment: u32) -> bool {
        self.holds(payment)
            || self
                .copies_held
                .get(payment as usize)
                .is_some_and(|n| *n > 0)
    }

    /// Every message carrying `payment`: its first publish, then its republishes in id order.
    pub fn messages_of(&self, payment: u32) -> impl Iterator<Item = u32> + '_ {
        let base = self.base;
        std::iter::once(payment).chain(
            self.copies
                .iter()
                .enumerate()
                .filter(move |(_, p)| **p == payment)
                .map(move |(i, _)| base + i as u32),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disconnect_returns_held_messages() {
        let mut b = Broker::new(3);
        for p in 0..3 {
            b.publish(p, 0);
        }
        let p = b.pop_ready().unwrap();
        b.deliver(p, 0);
        assert_eq!((b.ready_count(), b.in_flight_count()), (2, 1));
        let held = b.take_held(0);
        assert_eq!(held, vec![0]);
        b.requeue(0, 0, Position::Original);
        assert_eq!(b.ready_count(), 3);
        assert_eq!(b.message(0).deliveries, 1);
        assert_eq!(b.pop_ready(), Some(0), "back at the head, where it was");
    }

    #[test]
    fn ack_forgets_and_a_late_ack_is_refused() {
        let mut b = Broker::new(1);
        b.publish(0, 0);
        b.pop_ready();
        b.deliver(0, 0);
        assert!(b.ack(0));
        assert!(!b.ack(0));
        assert!(!b.holds(0));
    }

    #[test]
    fn delivery_limit_dead_letters() {
        let mut b = Broker::new(1);
        b.publish(0, 0);
        for _ in 0..2 {
            let p = b.pop_ready().unwrap();
            b.deliver(p, 0);
            if b.requeue(p, 2, Position::Original) {
                break;
            }
        }
        assert_eq!(b.dead_letter(), &[0]);
        assert_eq!(b.message(0).state, MessageState::DeadLettered);
    }

    #[test]
    fn a_requeue_keeps_publish_order_and_a_tail_return_goes_last() {
        let mut b = Broker::new(5);
        for p in 0..5 {
            b.publish(p, p as u64 * 10);
        }
        let (first, second) = (b.pop_ready().unwrap(), b.pop_ready().unwrap());
        b.deliver(first, 0);
        b.deliver(second, 1);
        b.requeue(second, 0, Position::Original);
        b.requeue(first, 0, Position::Tail);
        assert_eq!(b.oldest_ready(), Some(0));
        let order: Vec<u32> = std::iter::from_fn(|| {
            let p = b.pop_ready()?;
            b.deliver(p, 0);
            Some(p)
        })
        .collect();
        assert_eq!(order, vec![1, 2, 3, 4, 0]);
        assert_eq!(b.oldest_ready(), None);
    }

    #[test]
    fn auto_ack_forgets_at_delivery() {
        let mut b = Broker::new(1);
        b.publish(0, 0);
        let p = b.pop_ready().unwrap();
        assert_eq!(b.deliver_auto_acked(p), 1);
        assert!(!b.holds(0));
        assert_eq!(b.in_flight_count(), 0);
    }

    #[test]
    fn a_republish_is_a_new_message_carrying_the_same_payment() {
        let mut b = Broker::new(3);
        b.publish(1, 0);
        let copy = b.publish_copy(1, 10);
        assert_eq!((copy, b.payment(copy), b.payment(1)), (3, 1, 1));
        assert_eq!(b.messages_of(1).collect::<Vec<_>>(), vec![1, 3]);
        assert!(b.ack(1));
        assert!(
            b.holds_payment(1),
            "its republished message is still queued"
        );
        assert_eq!(b.pop_ready(), Some(3));
        b.deliver(3, 0);
        assert_eq!(
            b.message(3).deliveries,
            1,
            "a first delivery, not a redelivery"
        );
        b.ack(3);
        assert!(!b.holds_payment(1));
    }

    #[test]
    fn acked_ready_entries_are_skipped() {
        let mut b = Broker::new(2);
        b.publish(0, 0);
        b.publish(1, 0);
        b.ack(0);
        assert_eq!(b.pop_ready(), Some(1));
        assert_eq!(b.pop_ready(), None);
    }
}
