//! The embed snippet: the `<iframe>` that shows the linked run in a blog post or a course page
//! (embed.html, `crate::ui::embed`), with a title, lazy loading and a size, a live preview of exactly
//! that frame, and Copy.

use super::{escape, sibling};
use crate::i18n::tr;
use crate::ui::browser::copy_to_clipboard;
use yew::prelude::*;

/// The frame sizes offered, width × height: the embed fits any frame from 360×420 to 800×600.
const SIZES: [(u32, u32); 3] = [(800, 600), (640, 480), (360, 420)];

#[derive(Properties, PartialEq)]
pub struct SnippetProps {
    /// The share link (without `#`).
    pub link: AttrValue,
    /// The frame's title, for screen readers in the host page.
    pub title: AttrValue,
}

/// The snippet for a frame of `width` × `height` showing `src`, titled `title`.
fn snippet(src: &str, title: &str, (width, height): (u32, u32)) -> String {
    format!(
        "<iframe src=\"{}\" title=\"{}\" width=\"{width}\" height=\"{height}\" loading=\"lazy\" style=\"border:0\"></iframe>",
        escape(src),
        escape(title)
    )
}

#[component]
pub fn Snippet(props: &SnippetProps) -> Html {
    let size = use_state_eq(|| 0usize);
    let copied = use_state_eq(|| false);
    let (w, h) = SIZES[*size % SIZES.len()];
    // An author reading this page in another language writes for readers of it: the frame keeps it.
    let lang = crate::i18n::language();
    let query = if lang == "en" {
        String::new()
    } else {
        format!("?locale={lang}")
    };
    let src = format!("{}{query}#{}", sibling("embed.html"), props.link);
    let text = snippet(&src, &props.title, (w, h));
    let oncopy = {
        let (text, copied) = (text.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            copy_to_clipboard(&text);
            copied.set(true);
        })
    };
    let sizes = SIZES.iter().enumerate().map(|(i, (sw, sh))| {
        let onchange = {
            let (size, copied) = (size.clone(), copied.clone());
            Callback::from(move |_: Event| {
                size.set(i);
                copied.set(false);
            })
        };
        html! {
            <label><input type="radio" name="embed-size" data-testid={format!("embed-size-{sw}x{sh}")}
                checked={*size == i} {onchange} />{ format!("{sw} × {sh}") }</label>
        }
    });
    html! {
        <section class="panel tools__section" aria-labelledby="embed-title" data-testid="tools-embed">
            <h2 class="panel__title" id="embed-title">{ tr("Embed this run in a page") }</h2>
            <p>{ tr("Paste this into a blog post or a course page: readers get the run with play, step and reset, and a link back here. The frame loads when it scrolls into view, writes nothing to their browser and follows their light or dark theme.") }</p>
            <fieldset class="tools__row">
                <legend>{ tr("Frame size (pixels)") }</legend>
                { for sizes }
            </fieldset>
            <label class="tools__label" for="embed-snippet">{ tr("The snippet to paste") }</label>
            <textarea id="embed-snippet" class="mono tools__text" data-testid="embed-snippet" readonly=true rows="3"
                value={text.clone()} />
            <div class="toolbar">
                <button type="button" class="button button--primary" data-testid="embed-copy" onclick={oncopy}>
                    { tr("Copy the snippet") }
                </button>
                <span role="status" data-testid="embed-copied">
                    if *copied { { tr("Copied if this browser allows it; otherwise select the text above.") } }
                </span>
            </div>
            <h3 class="tools__subtitle">{ tr("Preview, at the size the snippet gives") }</h3>
            <div class="tools__preview" role="region" aria-label={tr("Preview of the embedded run")} tabindex="0">
                <iframe class="tools__frame" data-testid="embed-preview" src={src} title={props.title.clone()}
                    width={w.to_string()} height={h.to_string()} loading="lazy"></iframe>
            </div>
        </section>
    }
}
