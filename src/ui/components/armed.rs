//! The crashes waiting at a boundary, with how often they fire and how often they have.

use crate::i18n::{tr, trf, trf_n, trs};
use crate::sim::{ArmMode, Command};
use crate::ui::state::World;
use crate::ui::{vtext, vtr};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ArmedProps {
    pub world: World,
    pub onapply: Callback<Command>,
}

pub fn armed(props: &ArmedProps) -> Html {
    let sim = props.world.sim();
    let armed = sim.armed();
    if armed.is_empty() {
        return html! {
            <p class="armed armed--none" data-testid="armed-none">
                { vtr("No crash armed. Use a ↯ crash button between two steps to arm one.") }
            </p>
        };
    }
    let items = armed.iter().map(|a| {
        let who = a.consumer.map_or(trs("every consumer"), |c| {
            trf_n("consumer {0}", &[(c + 1) as u64])
        });
        let how = match a.mode {
            ArmMode::Once => trs("once"),
            ArmMode::Always => trs("every time"),
            ArmMode::EveryKth(k) => {
                // Spanish writes an ordinal as the number and a small a: 3.ª (pasada is feminine).
                let nth = if crate::i18n::language() == "es" {
                    format!("{k}.ª")
                } else {
                    crate::sim::sweep::ordinal(k)
                };
                trf("every {0} pass", &[&nth])
            }
        };
        let spent = a.mode == ArmMode::Once && a.fired > 0;
        let (consumer, point) = (a.consumer, a.point);
        let ondisarm = props
            .onapply
            .reform(move |_: MouseEvent| Command::Disarm { consumer, point });
        html! {
            <li class={classes!("armed__item", spent.then_some("armed__item--spent"))}
                data-testid="armed-crash" data-point={a.point.name()}
                data-consumer={a.consumer.map_or("all".to_string(), |c| c.to_string())}
                data-fired={a.fired.to_string()}>
                <span aria-hidden="true">{ if spent { "✓ " } else { "✹ " } }</span>
                { vtext(trf("{0}, {1}, {2} — fired {3}×", &[&who, a.point.label(), &how, &a.fired.to_string()])) }
                { vtext(if spent { tr(" (spent)") } else { "" }) }
                if !spent {
                    <button type="button" class="link-button" data-testid="disarm" onclick={ondisarm}>
                        { vtr("disarm") }
                    </button>
                }
            </li>
        }
    });
    html! {
        <div class="armed">
            <h3 class="armed__title">{ vtr("Armed crashes") }</h3>
            <ul class="armed__list">{ for items }</ul>
        </div>
    }
}
