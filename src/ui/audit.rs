//! The audit page (`audit.html#<handler>`): "Audit my consumer". An engineer puts the steps of their
//! real handler in order, says which keys it uses, and reads the crash sweep of that handler: a verdict
//! per crash boundary and per delivery fault, why each failing one fails, and a permalink to paste in
//! a code review.
//!
//! Its own entry point (`src/bin/audit.rs`), so the app's download does not grow: the page links only
//! the core's audit ([`crate::sim::audit`]) and these components. The address bar always holds the
//! handler on screen, so the address is the permalink; a damaged one gets a sentence and the default
//! form. Nothing is written to storage.

use super::audit_form::{AuditForm, Preset};
use super::audit_report::AuditReport;
use super::browser::{location_hash, replace_hash};
use crate::i18n::tr;
use crate::sim::audit::{Handler, decode, encode};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
struct PageProps {
    /// The handler the page opens with.
    handler: Handler,
    /// Why the address could not be read, if it could not.
    error: Option<AttrValue>,
}

/// The page: the form on one side, its audit on the other.
#[component]
fn AuditPage(props: &PageProps) -> Html {
    let handler = use_state(|| props.handler.clone());
    let error = use_state(|| props.error.clone());
    // Keep the address the permalink of what is on screen (only a valid handler has one).
    {
        let h = (*handler).clone();
        use_effect_with(h, |h| {
            if h.validate().is_ok() {
                replace_hash(Some(&encode(h)));
            }
        });
    }
    let onchange = {
        let (handler, error) = (handler.clone(), error.clone());
        Callback::from(move |h: Handler| {
            error.set(None);
            handler.set(h);
        })
    };
    let onpreset = {
        let (handler, error) = (handler.clone(), error.clone());
        Callback::from(move |p: Preset| {
            error.set(None);
            handler.set(p.handler());
        })
    };
    html! {
        <main class="audit" data-testid="audit">
            <header class="audit__head">
                <h1>{ tr("Audit my consumer") }</h1>
                <p class="audit__intro">{ tr("Put the steps of your payment handler in the order its code runs them and say which keys it uses. Each case below replays one payment through it: a crash at every boundary between steps (the broker redelivers what was not acked), a lost ack, a producer republish and a second consumer getting the same message.") }</p>
                <a class="audit__app" href="index.html">{ tr("Open Redelivery Lab") }</a>
            </header>
            if let Some(e) = &*error {
                <p class="audit__error" role="alert" data-testid="audit-link-error">{ e.clone() }</p>
            }
            <div class="audit__body">
                <AuditForm handler={(*handler).clone()} {onchange} {onpreset} />
                <AuditReport handler={(*handler).clone()} />
            </div>
        </main>
    }
}

/// Mounts the page on the body with the handler the address names, or the default one and the
/// sentence saying why the address could not be read.
pub fn start() {
    super::install_panic_hook();
    // A permalink pasted over this page's address changes only the part after `#`: reopen it.
    super::browser::reload_on_hashchange();
    // The page speaks the app's language: the address's `?locale=`, the saved choice, the browser's.
    super::locale::start(true, render);
}

fn render() {
    let (handler, error) = match location_hash() {
        None => (Handler::default(), None),
        Some(hash) => match decode(&hash) {
            Ok(h) => (h, None),
            Err(e) => (Handler::default(), Some(AttrValue::from(e))),
        },
    };
    let error = super::locale::or_failure(error);
    yew::Renderer::<AuditPage>::with_props(PageProps { handler, error }).render();
}
