//! Arms (or disarms) a crash at one boundary of one consumer's steps.

use crate::i18n::{n_, trf};
use crate::sim::{ArmMode, Command, CrashPoint};
use crate::ui::state::World;
use crate::ui::vtr;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CrashButtonProps {
    pub world: World,
    pub consumer: u8,
    pub point: CrashPoint,
    pub onapply: Callback<Command>,
}

/// Is a crash still waiting at `point` for `consumer`?
pub fn is_armed(world: &World, consumer: u8, point: CrashPoint) -> bool {
    world.sim().armed().iter().any(|a| {
        a.point == point
            && a.consumer.is_none_or(|c| c == consumer)
            && !(a.mode == ArmMode::Once && a.fired > 0)
    })
}

pub fn crash_button(props: &CrashButtonProps) -> Html {
    let armed = is_armed(&props.world, props.consumer, props.point);
    let (consumer, point) = (props.consumer, props.point);
    let (c, at) = ((consumer + 1).to_string(), point.label());
    // A crash armed for every consumer (a lab's script) is disarmed for every consumer.
    let for_all = props
        .world
        .sim()
        .armed()
        .iter()
        .any(|a| a.point == point && a.consumer.is_none());
    let onclick = props.onapply.reform(move |_: MouseEvent| {
        if armed {
            Command::Disarm {
                consumer: if for_all { None } else { Some(consumer) },
                point,
            }
        } else {
            Command::ArmCrash {
                consumer: Some(consumer),
                point,
                mode: ArmMode::Once,
            }
        }
    });
    // The name starts with the visible word ("crash", tr("armed")), so speech control ("click crash")
    // and screen readers agree with what is on screen.
    let label = if armed {
        trf("armed: disarm the crash of consumer {0} {1}", &[&c, at])
    } else {
        trf("crash: arm a crash of consumer {0} {1}", &[&c, at])
    };
    html! {
        <button type="button"
            class={classes!("crash", armed.then_some("crash--armed"))}
            data-testid={format!("crash-{}", point.name().replace('_', "-"))}
            data-consumer={consumer.to_string()}
            data-armed={armed.to_string()}
            aria-pressed={armed.to_string()}
            aria-label={label.clone()}
            title={label}
            {onclick}>
            <span aria-hidden="true">{ if armed { "✹" } else { "↯" } }</span>
            { vtr(if armed { n_(" armed") } else { n_(" crash") }) }
        </button>
    }
}
