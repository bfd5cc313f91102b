//! The "Embed" button: the `<iframe>` snippet that shows the run on screen in a blog post or course
//! page (embed.html, `crate::ui::embed`). The app's copy callback puts it on the clipboard and into the
//! box "Copy state and goals" uses, so it can be selected by hand where the clipboard is refused.

use yew::prelude::*;

/// The snippet for the run at share link `link`, on the site whose app page is `page` (its address
/// without the hash): the embed page sits in the same folder. The labs' titles hold no quote,
/// ampersand or angle bracket, so they go into the attribute as they are.
pub fn snippet(page: &str, link: &str, lab_title: &str) -> String {
    let folder = page.rsplit_once('/').map_or("", |(f, _)| f);
    format!(
        "<iframe src=\"{folder}/embed.html#{link}\" title=\"Redelivery Lab: {lab_title}\" width=\"800\" height=\"600\" loading=\"lazy\" style=\"border:0\"></iframe>"
    )
}

/// The button, for the view bar: `oncopy` with `true` (the embed snippet).
pub fn button(oncopy: &Callback<bool>) -> Html {
    html! {
        <button type="button" class="button" data-testid="embed-snippet" onclick={oncopy.reform(|_: MouseEvent| true)}>
            { "Embed" }
        </button>
    }
}
