//! The audit page's form: the handler's steps in order (move, remove, add, each a real button), its
//! keys and its acknowledgement, and a few example handlers to start from.

use crate::i18n::{n_, tr, trf};
use crate::sim::audit::{Handler, HandlerStep, KeySource};
use crate::sim::config::RecordCheck;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// An example handler to start from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// Charge, ledger, ack: no transaction, record or key.
    Tutorial,
    /// The card charged before the transaction begins, no gateway key.
    ChargeBeforeBegin,
    /// The ack sent before the commit.
    AckBeforeCommit,
    /// Record and ledger in one transaction, the charge keyed by the business id, the ack last.
    Correct,
}

impl Preset {
    const ALL: [Preset; 4] = [
        Preset::Tutorial,
        Preset::ChargeBeforeBegin,
        Preset::AckBeforeCommit,
        Preset::Correct,
    ];

    fn id(self) -> &'static str {
        match self {
            Preset::Tutorial => "tutorial",
            Preset::ChargeBeforeBegin => "charge-before-begin",
            Preset::AckBeforeCommit => "ack-before-commit",
            Preset::Correct => "correct",
        }
    }

    fn label(self) -> &'static str {
        tr(match self {
            Preset::Tutorial => n_("Charge, write, ack (no safeguards)"),
            Preset::ChargeBeforeBegin => n_("Charge before the transaction begins"),
            Preset::AckBeforeCommit => n_("Ack before the commit"),
            Preset::Correct => n_("Record, ledger and keyed charge in one transaction, ack last"),
        })
    }

    /// The example's handler.
    pub fn handler(self) -> Handler {
        use HandlerStep::*;
        match self {
            Preset::Tutorial => Handler::default(),
            Preset::ChargeBeforeBegin => Handler {
                steps: vec![Charge, Begin, Check, Record, Ledger, Commit, Ack],
                record_check: RecordCheck::UniqueConstraint,
                ..Handler::default()
            },
            Preset::AckBeforeCommit => Handler {
                steps: vec![Begin, Check, Record, Charge, Ledger, Ack, Commit],
                record_check: RecordCheck::UniqueConstraint,
                gateway_key: Some(KeySource::BusinessId),
                ..Handler::default()
            },
            Preset::Correct => Handler::correct(),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct AuditFormProps {
    /// The handler on screen.
    pub handler: Handler,
    /// A changed handler.
    pub onchange: Callback<Handler>,
    /// An example chosen.
    pub onpreset: Callback<Preset>,
}

/// The form.
#[component]
pub fn AuditForm(props: &AuditFormProps) -> Html {
    let h = &props.handler;
    // One helper makes every callback: copy the handler, change one thing, send it.
    let edit = |f: Box<dyn Fn(&mut Handler)>| {
        let (onchange, h) = (props.onchange.clone(), h.clone());
        Callback::from(move |_: MouseEvent| {
            let mut next = h.clone();
            f(&mut next);
            onchange.emit(next);
        })
    };
    let pick = |f: fn(&mut Handler, &str)| {
        let (onchange, h) = (props.onchange.clone(), h.clone());
        Callback::from(move |e: Event| {
            let mut next = h.clone();
            f(
                &mut next,
                &e.target_unchecked_into::<HtmlSelectElement>().value(),
            );
            onchange.emit(next);
        })
    };
    let onpreset = {
        let onpreset = props.onpreset.clone();
        Callback::from(move |e: Event| {
            let select = e.target_unchecked_into::<HtmlSelectElement>();
            if let Some(p) = Preset::ALL.into_iter().find(|p| p.id() == select.value()) {
                onpreset.emit(p);
            }
            select.set_value("");
        })
    };
    let onauto = {
        let (onchange, h) = (props.onchange.clone(), h.clone());
        Callback::from(move |e: Event| {
            let mut next = h.clone();
            next.auto_ack = e.target_unchecked_into::<HtmlInputElement>().checked();
            next.steps.retain(|s| *s != HandlerStep::Ack);
            if !next.auto_ack {
                next.steps.push(HandlerStep::Ack);
            }
            onchange.emit(next);
        })
    };
    // A moved step's list item is taken out and put back, which drops the keyboard focus: after the
    // move, the focus goes back to the button that moved it (or to its other arrow at an end).
    let focus = use_state(|| None::<(HandlerStep, bool)>);
    {
        let wanted = *focus;
        use_effect_with(h.clone(), move |_| {
            if let Some((step, up)) = wanted {
                focus_arrow(step, up);
            }
        });
    }
    let mover = |i: usize, up: bool| {
        let (onchange, h, focus) = (props.onchange.clone(), h.clone(), focus.clone());
        Callback::from(move |_: MouseEvent| {
            let mut next = h.clone();
            let j = if up { i - 1 } else { i + 1 };
            next.steps.swap(i, j);
            focus.set(Some((h.steps[i], up)));
            onchange.emit(next);
        })
    };
    let n = h.steps.len();
    let steps = h.steps.iter().enumerate().map(|(i, step)| {
        let label = step.label();
        let up = mover(i, true);
        let down = mover(i, false);
        let remove = edit(Box::new(move |h: &mut Handler| {
            h.steps.remove(i);
        }));
        html! {
            <li key={step.name()} class="audit__step" data-testid={format!("audit-step-{}", step.name())}>
                <span class="audit__step-name">{ label }</span>
                <button type="button" class="button button--small" disabled={i == 0} onclick={up}
                    id={format!("audit-up-{}", step.name())}
                    aria-label={trf("Move “{0}” earlier", &[label])}>{ "↑" }</button>
                <button type="button" class="button button--small" disabled={i + 1 == n} onclick={down}
                    id={format!("audit-down-{}", step.name())}
                    aria-label={trf("Move “{0}” later", &[label])}>{ "↓" }</button>
                <button type="button" class="button button--small" onclick={remove}
                    aria-label={trf("Remove “{0}”", &[label])}>{ "✕" }</button>
            </li>
        }
    });
    let missing: Vec<HandlerStep> = HandlerStep::ALL
        .into_iter()
        .filter(|s| !(h.steps.contains(s) || (h.auto_ack && *s == HandlerStep::Ack)))
        .collect();
    let adds = missing.into_iter().map(|step| {
        let add = edit(Box::new(move |h: &mut Handler| h.steps.push(step)));
        html! {
            <button type="button" class="button button--small" onclick={add}
                data-testid={format!("audit-add-{}", step.name())}
                aria-label={trf("Add “{0}” at the end", &[step.label()])}>{ format!("+ {}", step.label()) }</button>
        }
    });
    let key_options = |chosen: Option<KeySource>, none: bool| {
        let mut v = Vec::new();
        if none {
            v.push(("none", tr("no key"), chosen.is_none()));
        }
        v.push((
            "business_id",
            KeySource::BusinessId.label(),
            chosen == Some(KeySource::BusinessId),
        ));
        v.push((
            "message_id",
            KeySource::MessageId.label(),
            chosen == Some(KeySource::MessageId),
        ));
        v.into_iter()
            .map(|(value, label, selected)| html! { <option {value} {selected}>{ label }</option> })
            .collect::<Html>()
    };
    let unique = h.record_check == RecordCheck::UniqueConstraint;
    html! {
        <section class="panel audit__form" aria-labelledby="audit-form-title" data-testid="audit-form">
            <h2 id="audit-form-title">{ tr("Your handler") }</h2>
            <p class="audit__field">
                <label for="audit-preset">{ tr("Start from an example") }</label>
                <select id="audit-preset" data-testid="audit-preset" onchange={onpreset}>
                    <option value="" selected=true>{ tr("Choose an example…") }</option>
                    { for Preset::ALL.into_iter().map(|p| html! { <option value={p.id()}>{ p.label() }</option> }) }
                </select>
            </p>
            <fieldset class="audit__fieldset">
                <legend>{ tr("Steps, in the order the code runs them") }</legend>
                <p class="audit__hint">{ tr("The message is received before the first step. Writes between begin and commit are one transaction; writes outside it commit on their own.") }</p>
                <ol class="audit__steps" data-testid="audit-steps">{ for steps }</ol>
                <p class="audit__adds">{ for adds }</p>
            </fieldset>
            <fieldset class="audit__fieldset">
                <legend>{ tr("Keys and acknowledgement") }</legend>
                <p class="audit__field">
                    <label for="audit-record-key">{ tr("The idempotency record is keyed on") }</label>
                    <select id="audit-record-key" data-testid="audit-record-key" onchange={pick(|h, v| {
                        h.record_key = if v == "message_id" { KeySource::MessageId } else { KeySource::BusinessId };
                    })}>{ key_options(Some(h.record_key), false) }</select>
                </p>
                <p class="audit__field">
                    <label for="audit-record-check">{ tr("A second record is stopped by") }</label>
                    <select id="audit-record-check" data-testid="audit-record-check" onchange={pick(|h, v| {
                        h.record_check = if v == "unique_constraint" { RecordCheck::UniqueConstraint } else { RecordCheck::CheckThenInsert };
                    })}>
                        <option value="check_then_insert" selected={!unique}>{ tr("check-then-insert (no constraint)") }</option>
                        <option value="unique_constraint" selected={unique}>{ tr("a unique constraint on the key") }</option>
                    </select>
                </p>
                <p class="audit__field">
                    <label for="audit-gateway-key">{ tr("The card gateway's idempotency key") }</label>
                    <select id="audit-gateway-key" data-testid="audit-gateway-key" onchange={pick(|h, v| {
                        h.gateway_key = match v {
                            "business_id" => Some(KeySource::BusinessId),
                            "message_id" => Some(KeySource::MessageId),
                            _ => None,
                        };
                    })}>{ key_options(h.gateway_key, true) }</select>
                </p>
                <p class="audit__field">
                    <input type="checkbox" id="audit-auto-ack" data-testid="audit-auto-ack" checked={h.auto_ack} onchange={onauto} />
                    <label for="audit-auto-ack">{ tr("Automatic acknowledgement (the delivery is the ack)") }</label>
                </p>
            </fieldset>
        </section>
    }
}

/// Focuses the arrow of `step` that points `up` (or down), or its other arrow when that one is
/// disabled (the step reached an end of the list).
fn focus_arrow(step: HandlerStep, up: bool) {
    use wasm_bindgen::JsCast;
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let arrow = |up: bool| {
        let id = format!("audit-{}-{}", if up { "up" } else { "down" }, step.name());
        doc.get_element_by_id(&id)
            .filter(|e| !e.has_attribute("disabled"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    };
    if let Some(b) = arrow(up).or_else(|| arrow(!up)) {
        let _ = b.focus();
    }
}
