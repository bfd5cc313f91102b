//! The first visit's welcome: what this is, a way straight into lab 1, the path of labs with the
//! learner's progress, and free play one click away.
//!
//! It shows on a first visit only (nothing saved yet, no share link): a returning visitor lands in the
//! lab they left, and a share link opens its run directly. The header's "Labs" button brings it back.

use crate::i18n::{tr, trf_n};
use crate::sim::lab::Lab;
use crate::ui::saved::{IdMap, KEY, LabProgress};
use crate::ui::{atr, vtext, vtr};
use yew::prelude::*;

/// Is this the browser's first visit (nothing saved) without a share link? Read before the app saves
/// its settings for the first time.
pub fn first_visit() -> bool {
    let saved = crate::ui::browser::local_storage().and_then(|s| s.get_item(KEY).ok().flatten());
    saved.is_none() && crate::ui::browser::location_hash().is_none()
}

/// The welcome panel. `onload_lab` opens a lab (and closes the welcome); `onclose` stays in free play.
/// A plain function, not a component: it keeps no state, and every component costs download size.
pub fn welcome(
    progress: &IdMap<LabProgress>,
    onload_lab: &Callback<String>,
    onclose: &Callback<()>,
) -> Html {
    let labs = Lab::all();
    let open = |id: &'static str| {
        let go = onload_lab.clone();
        Callback::from(move |_: MouseEvent| go.emit(id.to_string()))
    };
    let first = labs.iter().find(|l| l.number == 1);
    html! {
        <section class="panel welcome" aria-labelledby="welcome-title" data-testid="welcome">
            <h2 class="welcome__title" id="welcome-title">{ vtr("Welcome to Redelivery Lab") }</h2>
            <p class="welcome__intro">
                { vtr("A message broker that delivers at least once hands a message to a consumer again when \
                   the consumer dies before acknowledging it, so a payment can be charged twice. Here you \
                   crash the consumers of a simulated payment service at exact steps, watch what the broker \
                   redelivers, and find the safeguards that charge every payment exactly once.") }
            </p>
            <div class="welcome__actions">
                if let Some(lab) = first {
                    <button type="button" class="button button--primary" data-testid="welcome-start"
                        onclick={open(lab.id)}>
                        { vtr("Start lab 1 →") }
                    </button>
                }
                <button type="button" class="button" data-testid="welcome-free-play"
                    onclick={onclose.reform(|_: MouseEvent| ())}>
                    { vtr("Free play") }
                </button>
            </div>
            <ol class="welcome__path" aria-label={atr("The labs, in order")}>
                { for labs.iter().filter(|l| l.number > 0).map(|lab| {
                    let achieved = progress.get(lab.id).map_or(0, |p| {
                        lab.goals.iter().filter(|g| p.achieved.contains(g.id)).count()
                    });
                    let done = !lab.goals.is_empty() && achieved == lab.goals.len();
                    html! {
                        <li class={classes!("welcome__lab", done.then_some("welcome__lab--done"))}>
                            <button type="button" class="link-button" data-testid="welcome-lab"
                                data-lab={lab.id} data-done={done.to_string()} onclick={open(lab.id)}>
                                { lab.number }{ ". " }{ vtext(lab.title) }
                            </button>
                            <span class="welcome__progress">
                                if done { { vtext(tr("✓ done")) } } else { { vtext(trf_n("{0} of {1} goals", &[achieved as u64, lab.goals.len() as u64])) } }
                            </span>
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
