//! Each chart of the run as a standalone SVG file, for slides and docs. The charts are the app's own
//! dashboard (`crate::ui::components::dashboard`), drawn here for the linked run; a download copies one
//! chart's drawing into a file that draws the same outside the page.
//!
//! The page's SVG takes its colours and type from the stylesheet, which a file opened on its own does
//! not have: the copy gets each element's computed style inline, the SVG namespace, a size and a
//! `<title>`. It is written as text, not by editing a copy of the element: the page's content security
//! policy forbids setting inline styles on its own DOM.

use crate::i18n::{tr, trf};
use crate::ui::browser::download;
use crate::ui::components::dashboard::Dashboard;
use crate::ui::state::World;
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

#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    pub world: World,
}

/// The charts drawn on the page now: each figure's test id and its SVG's title (in the page's words).
fn drawn() -> Vec<(String, String)> {
    let Ok(figures) = gloo::utils::document().query_selector_all("#tools-charts figure.chart")
    else {
        return Vec::new();
    };
    (0..figures.length())
        .filter_map(|i| figures.item(i)?.dyn_into::<Element>().ok())
        .filter_map(|f| {
            let id = f.get_attribute("data-testid")?;
            let title = f
                .query_selector(".chart__svg > title")
                .ok()
                .flatten()
                .and_then(|t| t.text_content())
                .unwrap_or_else(|| id.clone());
            Some((id, title))
        })
        .collect()
}

#[component]
pub fn Charts(props: &ChartsProps) -> Html {
    // Filled in once the dashboard is drawn (its titles are the dashboard's own words).
    let charts = use_state_eq(Vec::<(String, String)>::new);
    let failed = use_state_eq(|| false);
    {
        let charts = charts.clone();
        use_effect_with(props.world.version(), move |_| charts.set(drawn()));
    }
    let buttons = charts.iter().map(|(id, title)| {
        let onclick = {
            let (id, title, failed) = (id.clone(), title.clone(), failed.clone());
            Callback::from(move |_: MouseEvent| {
                let svg = gloo::utils::document()
                    .query_selector(&format!("#tools-charts [data-testid={id}] .chart__svg"))
                    .ok()
                    .flatten();
                let saved = svg.and_then(|s| standalone(&s, &title)).map(|text| {
                    download(&format!("redelivery-lab-{id}.svg"), "image/svg+xml", &text)
                });
                failed.set(!matches!(saved, Some(Ok(()))));
            })
        };
        html! {
            <li><button type="button" class="button" data-testid={format!("{id}-svg")} {onclick}>
                { trf("Download “{0}” as SVG", &[title.as_str()]) }
            </button></li>
        }
    });
    html! {
        <section class="panel tools__section" aria-labelledby="charts-title" data-testid="tools-charts">
            <h2 class="panel__title" id="charts-title">{ tr("Charts as SVG") }</h2>
            <p>{ tr("Each chart below downloads as an SVG file that draws the same on its own: for slides, docs and posts.") }</p>
            <ul class="tools__downloads">{ for buttons }</ul>
            if *failed {
                <p role="alert">{ tr("This browser refused the download.") }</p>
            }
            <div id="tools-charts"><Dashboard world={props.world.clone()} /></div>
        </section>
    }
}

/// `svg` as a file that draws the same outside the page: each element's computed style inline, the
/// namespace, a size and a title.
fn standalone(svg: &Element, title: &str) -> Option<String> {
    let window = web_sys::window()?;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    write_element(svg, &window, &mut out, true);
    if svg.query_selector(":scope > title").ok()?.is_none() {
        // Right after the root's opening tag (the XML declaration's `>` comes first).
        let at = out
            .find('>')
            .and_then(|i| out[i + 1..].find('>').map(|j| i + j + 2))?;
        out.insert_str(at, &format!("<title>{}</title>", super::escape(title)));
    }
    out.push('\n');
    Some(out)
}

/// Appends `el` and its subtree as XML, with the computed style inline and no class.
fn write_element(el: &Element, window: &web_sys::Window, out: &mut String, root: bool) {
    let esc = super::escape;
    let tag = el.tag_name();
    out.push('<');
    out.push_str(&tag);
    if root {
        out.push_str(" xmlns=\"http://www.w3.org/2000/svg\"");
        // The viewBox's size, so a viewer that ignores CSS still opens it at its drawn size.
        if let Some(view) = el.get_attribute("viewBox") {
            let mut v = view.split_whitespace().skip(2);
            if let (Some(w), Some(h)) = (v.next(), v.next()) {
                out.push_str(&format!(" width=\"{}\" height=\"{}\"", esc(w), esc(h)));
            }
        }
    }
    for name in el
        .get_attribute_names()
        .iter()
        .filter_map(|n| n.as_string())
    {
        if !matches!(name.as_str(), "class" | "style" | "width" | "height") {
            let value = el.get_attribute(&name).unwrap_or_default();
            out.push_str(&format!(" {name}=\"{}\"", esc(&value)));
        }
    }
    if let Some(style) = window.get_computed_style(el).ok().flatten() {
        out.push_str(" style=\"");
        for p in STYLED {
            if let Ok(v) = style.get_property_value(p)
                && !v.is_empty()
            {
                out.push_str(&esc(&format!("{p}:{v};")));
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
            out.push_str(&esc(&node.text_content().unwrap_or_default()));
        }
    }
    out.push_str(&format!("</{tag}>"));
}
