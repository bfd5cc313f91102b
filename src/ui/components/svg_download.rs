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

/// `svg` as a file that draws the same outside the page: each element's computed style inline, the
/// namespace, a size and a title. Written as text, not by editing a copy of the element: the page's
/// content security policy forbids setting inline styles on its own DOM.
fn standalone(svg: &Element, title: &str) -> Option<String> {
    let window = web_sys::window()?;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    write_element(svg, &window, &mut out, true);
    if svg.query_selector(":scope > title").ok()?.is_none() {
        // Right after the root's opening tag.
        let at = out
            .find('>')
            .and_then(|i| out[i + 1..].find('>').map(|j| i + j + 2))?;
        out.insert_str(at, &format!("<title>{}</title>", escape(title)));
    }
    out.push('\n');
    Some(out)
}

/// Appends `el` and its subtree as XML, with the computed style inline and no class.
fn write_element(el: &Element, window: &web_sys::Window, out: &mut String, root: bool) {
    let tag = el.tag_name();
    out.push('<');
    out.push_str(&tag);
    if root {
        out.push_str(" xmlns=\"http://www.w3.org/2000/svg\"");
        // The viewBox's size, so a viewer that ignores CSS still opens it at its drawn size.
        if let Some(view) = el.get_attribute("viewBox") {
            let mut v = view.split_whitespace().skip(2);
            if let (Some(w), Some(h)) = (v.next(), v.next()) {
                out.push_str(&format!(
                    " width=\"{}\" height=\"{}\"",
                    escape(w),
                    escape(h)
                ));
            }
        }
    }
    for name in el
        .get_attribute_names()
        .iter()
        .filter_map(|n| n.as_string())
    {
        if name != "class" && name != "style" && name != "width" && name != "height" {
            let value = el.get_attribute(&name).unwrap_or_default();
            out.push_str(&format!(" {name}=\"{}\"", escape(&value)));
        }
    }
    if let Some(style) = window.get_computed_style(el).ok().flatten() {
        out.push_str(" style=\"");
        for p in STYLED {
            if let Ok(v) = style.get_property_value(p)
                && !v.is_empty()
            {
                out.push_str(&escape(&format!("{p}:{v};")));
            }
        }
        out.push('"');
    }
    out.push('>');
    let children = el.child_nodes();
    for i in 0..children.length() {
        let Some(node) = children.item(i) else {
            continue;
        };
        if let Some(child) = node.dyn_ref::<Element>() {
            write_element(child, window, out, false);
        } else if node.node_type() == web_sys::Node::TEXT_NODE {
            out.push_str(&escape(&node.text_content().unwrap_or_default()));
        }
    }
    out.push_str(&format!("</{tag}>"));
}

/// `text` escaped for XML text and attribute values.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
