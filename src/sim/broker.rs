//! The broker: the `payments` queue, its dead-letter queue, and what makes it redeliver.
//!
//! At-least-once means the broker forgets a message only when it hears an ack. Until then, a
//! disconnect (AMQP) or an expired visibility timeout (SQS) hands it out again — correct behaviour,
//! and the source of every duplicate the consumer must survive.

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

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
}

/// The queue and its dead-letter queue.
#[derive(Clone, Debug)]
pub struct Broker {
    messages: Vec<BrokerMessage>,
    /// Ready messages in arrival order; entries whose state changed since are skipped when popped.
    ready: VecDeque<u32>,
    held: [Vec<u32>; 4],
    ready_count: u32,
    in_flight_count: u32,
    waiting_count: u32,
    dead_letter: Vec<u32>,
}

impl Broker {
    /// A broker rebuilt from its durable records (after a real crash of the page): the ready queue is
    /// restored in payment order; in-flight messages keep their owner until the caller decides.
    pub fn restore(messages: Vec<BrokerMessage>, dead_letter: Vec<u32>) -> Self {
        let mut b = Broker::new(0);
        b.messages = messages;
        b.dead_letter = dead_letter;
        for p in 0..b.messages.len() as u32 {
            match b.messages[p as usize].state {
                MessageState::Ready => {
                    b.ready_count += 1;
                    b.ready.push_back(p);
                }
                MessageState::InFlight { consumer } => {
                    b.in_flight_count += 1;
                    b.held[consumer as usize % 4].push(p);
                }
                MessageState::Waiting => b.waiting_count += 1,
                _ => {}
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
                    published_at: 0
                };
                payments as usize
            ],
            ready: VecDeque::new(),
            held: Default::default(),
            ready_count: 0,
            in_flight_count: 0,
            waiting_count: 0,
            dead_letter: Vec::new(),
        }
    }

    /// The broker's record of `payment`'s message.
    pub fn message(&self, payment: u32) -> BrokerMessage {
        self.messages[payment as usize]
    }

    /// Every message's record, by payment id.
    pub fn messages(&self) -> &[BrokerMessage] {
        &self.messages
    }

    #[inline(always)]
    fn set_state(&mut self, payment: u32, state: MessageState) {
        let m = &mut self.messages[payment as usize];
        match m.state {
            MessageState::Ready => self.ready_count -= 1,
            MessageState::InFlight { consumer } => {
                self.in_flight_count -= 1;
                let held = &mut self.held[consumer as usize];
                if let Some(i) = held.iter().position(|p| *p == payment) {
                    held.swap_remove(i);
                }
            }
            MessageState::Waiting => self.waiting_count -= 1,
            _ => {}
        }
        match state {
            MessageState::Ready => {
                self.ready_count += 1;
                self.ready.push_back(payment);
            }
            MessageState::InFlight { consumer } => {
                self.in_flight_count += 1;
                self.held[consumer as usize].push(payment);
            }
            MessageState::Waiting => self.waiting_count += 1,
            MessageState::DeadLettered => self.dead_letter.push(payment),
            _ => {}
        }
        m.state = state;
    }

    /// The producer publishes `payment` at `now`.
    pub fn publish(&mut self, payment: u32, now: u64) {
        self.messages[payment as usize].published_at = now.min(u32::MAX as u64) as u32;
        self.set_state(payment, MessageState::Ready);
    }

    /// Takes the oldest ready message, if any.
    #[inline(always)]
    pub fn pop_ready(&mut self) -> Option<u32> {
        while let Some(p) = self.ready.pop_front() {
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

    /// An ack arrives. Accepted whatever delivery it belongs to, as long as the broker still holds the
    /// message (an ack by message id); returns false if it was already gone.
    pub fn ack(&mut self, payment: u32) -> bool {
        match self.messages[payment as usize].state {
            MessageState::Ready | MessageState::InFlight { .. } | MessageState::Waiting => {
                self.set_state(payment, MessageState::Acked);
                true
            }
            _ => false,
        }
    }

    /// Makes `payment` ready again, or dead-letters it when it has used up `max_deliveries` (0 =
    /// unlimited). Returns true if it was dead-lettered.
    pub fn requeue(&mut self, payment: u32, max_deliveries: u8) -> bool {
        let m = self.messages[payment as usize];
        if max_deliveries > 0 && m.deliveries >= max_deliveries as u16 {
            self.set_state(payment, MessageState::DeadLettered);
            true
        } else {
            self.set_state(payment, MessageState::Ready);
            false
        }
    }

    /// A nacked message waits out its retry delay.
    pub fn park(&mut self, payment: u32) {
        self.set_state(payment, MessageState::Waiting);
    }

    /// Removes and returns the messages `consumer` holds unacknowledged (on its disconnect).
    pub fn take_held(&mut self, consumer: u8) -> Vec<u32> {
        let mut held = std::mem::take(&mut self.held[consumer as usize]);
        held.sort_unstable();
        held
    }

    /// Heap bytes held by the broker's tables and queues.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.messages.capacity() * size_of::<BrokerMessage>()
            + (self.ready.capacity()
                + self.held.iter().map(Vec::capacity).sum::<usize>()
                + self.dead_letter.capacity())
                * size_of::<u32>()
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

    /// Ready messages in queue order (for the view; skips stale entries).
    pub fn ready_queue(&self) -> impl Iterator<Item = u32> + '_ {
        self.ready
            .iter()
            .copied()
            .filter(|p| self.messages[*p as usize].state == MessageState::Ready)
    }

    /// Is the broker still responsible for `payment` (published and neither acked nor dead-lettered)?
    pub fn holds(&self, payment: u32) -> bool {
        matches!(
            self.messages[payment as usize].state,
            MessageState::Ready | MessageState::InFlight { .. } | MessageState::Waiting
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
        b.requeue(0, 0);
        assert_eq!(b.ready_count(), 3);
        assert_eq!(b.message(0).deliveries, 1);
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
            if b.requeue(p, 2) {
                break;
            }
        }
        assert_eq!(b.dead_letter(), &[0]);
        assert_eq!(b.message(0).state, MessageState::DeadLettered);
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
