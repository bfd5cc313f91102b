//! A panel that is drawn again only when what it shows changed.
//!
//! The app re-renders on every play tick, and Yew rebuilds and compares every plain-function panel
//! each time, on screen or not: on a phone with a slow CPU that alone costs more than a frame.
//! [`Memo`] keeps a panel's last drawing while its dependencies are equal.

use std::rc::Rc;
use yew::prelude::*;

/// What a memoized panel shows, as numbers that change whenever it would look different: usually
/// [`crate::ui::state::World::deps`], a run's key with the app's revision (see `AppState::rev`).
pub type Deps = (usize, u64, u64);

#[derive(Properties, Clone)]
pub struct MemoProps {
    pub deps: Deps,
    /// Draws the panel; called only when `deps` changed.
    pub render: Rc<dyn Fn() -> Html>,
}

// Only the dependencies: `render` is a new closure on every app render.
impl PartialEq for MemoProps {
    fn eq(&self, other: &Self) -> bool {
        self.deps == other.deps
    }
}

/// Draws `render()` again only when `deps` changes.
#[component]
pub fn Memo(props: &MemoProps) -> Html {
    (props.render)()
}
