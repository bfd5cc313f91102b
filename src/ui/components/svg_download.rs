//! "Download SVG" for a chart: its drawing as a standalone file for slides and docs.
//!
//! The page's SVG takes its colours and type from the stylesheet, which a file opened on its own does
//! not have: the copy gets each element's computed style inline, the SVG namespace and a `<title>`.

use crate::ui::browser::download;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

/// The computed properties a chart's look depends on.
const STYLED: [&str; 10] = [
    "fill",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "text-anchor",
    "dominant-baseline",
];

/// The button, placed inside a chart's `<figure>`: a click saves the figure's `.chart__svg` as
/// `redelivery-lab-<name>.svg`.
pub fn svg_download(name: &str, title: &str) -> Html {
    let (name, title) = (name.to_string(), title.to_string());
    let testid = format!("{name}-svg");
    let onclick = Callback::from(move |e: MouseEvent| {
        let figure = e
            .target_dyn_into::<Element>()
            .and_then(|b| b.closest("figure").ok().flatten());
        let svg = figure.and_then(|f| f.query_selector(".chart__svg").ok().flatten());
        if let Some(text) = svg.and_then(|s| standalone(&s, &title)) {
            let _ = download(
                &format!("redelivery-lab-{name}.svg"),
                "image/svg+xml",
                &text,
            );
        }
    });
    html! {
        <button type="button" class="link-button chart__download" data-testid={testid} {onclick}>
            { "Download SVG" }
        </button>
    }
}

/// A copy of `svg` that draws the same outside the page: styles inline, namespace, size and title.
fn standalone(svg: &Element, title: &str) -> Option<String> {
    let window = web_sys::window()?;
    let copy: Element = svg.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
    let (from, to) = (
        svg.query_selector_all("*").ok()?,
        copy.query_selector_all("*").ok()?,
    );
    let pairs =
        std::iter::once((svg.clone(), copy.clone())).chain((0..from.length()).filter_map(|i| {
            Some((
                from.item(i)?.dyn_into::<Element>().ok()?,
                to.item(i)?.dyn_into::<Element>().ok()?,
            ))
        }));
    for (original, twin) in pairs {
        let Some(style) = window.get_computed_style(&original).ok().flatten() else {
            continue;
        };
        let mut inline = String::new();
        for p in STYLED {
            if let Ok(v) = style.get_property_value(p)
                && !v.is_empty()
            {
                inline.push_str(&format!("{p}:{v};"));
            }
        }
        let _ = twin.set_attribute("style", &inline);
        let _ = twin.remove_attribute("class");
    }
    let _ = copy.set_attribute("xmlns", "http://www.w3.org/2000/svg");
    // The viewBox's size, so a viewer that ignores CSS still opens it at its drawn size.
    if let Some(view) = copy.get_attribute("viewBox") {
        let mut v = view.split_whitespace().skip(2);
        if let (Some(w), Some(h)) = (v.next(), v.next()) {
            let _ = copy.set_attribute("width", w);
            let _ = copy.set_attribute("height", h);
        }
    }
    if copy.query_selector(":scope > title").ok()?.is_none() {
        let t = copy
            .owner_document()?
            .create_element_ns(Some("http://www.w3.org/2000/svg"), "title")
            .ok()?;
        t.set_text_content(Some(title));
        let _ = copy.prepend_with_node_1(&t);
    }
    let text = web_sys::XmlSerializer::new()
        .ok()?
        .serialize_to_string(&copy)
        .ok()?;
    Some(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{text}\n"
    ))
}
