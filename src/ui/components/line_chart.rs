//! A hand-written SVG line chart over simulated time, with a title, a description and a data table.
//!
//! Series differ by dash pattern and marker as well as colour, so the chart reads in greyscale and
//! for colour-blind viewers; the table below it carries the same numbers for screen readers.

use super::words::grouped;
use crate::ui::{vtext, vtr};
use yew::prelude::*;

// The SVG scales to its box, and its text with it. The charts are drawn about 290 px wide at
// 1280×720 and 320 px on a 390 px phone, so a viewBox this wide keeps the 11-unit labels
// (static/app.css) at about 13 px on screen; tests/e2e/experience.test.mjs measures it (≥ 11 px).
/// The viewBox's width, shared with the histogram.
pub const W: f64 = 250.0;
/// The viewBox's height.
pub const H: f64 = 125.0;
/// Room for the value labels left of the plot (five digits).
pub const LEFT: f64 = 40.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 8.0;
/// Room for the time labels under the plot.
pub const BOTTOM: f64 = 20.0;

/// One line.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// A catalogue key (`n_`): the chart shows it in the page's language.
    pub name: &'static str,
    /// A modifier for the stroke style: `chart__line--<style>`.
    pub style: &'static str,
    /// `(simulated ms, value)`, in time order.
    pub points: Vec<(f64, f64)>,
}

#[derive(Properties, PartialEq)]
pub struct LineChartProps {
    /// The `data-testid` and the base of the element ids.
    pub id: AttrValue,
    pub title: AttrValue,
    /// What the chart shows, in a sentence (the SVG's `<desc>`).
    pub desc: AttrValue,
    pub series: Vec<Series>,
    /// Whether to fill the data table's rows (a catch-up draws them a frame after the chart).
    pub table: bool,
}

/// A round number at or above `v`, so the axis reads 5, 10, 20, 50… rather than 37.
pub fn nice_max(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    // `powi`, not `powf`: the exponent is whole, and the general `pow` costs about 1 KB of download.
    let exp = 10f64.powi(v.log10().floor() as i32);
    for m in [1.0, 2.0, 5.0, 10.0] {
        if v <= m * exp {
            return m * exp;
        }
    }
    10.0 * exp
}

/// A value on an axis label: integers plainly, small fractions with two decimals.
pub fn fmt_value(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e9 {
        format!("{}", v as i64)
    } else if v.abs() >= 10.0 {
        super::words::decimal(v, 0)
    } else {
        super::words::decimal(v, 2)
    }
}

/// The values marked on a value axis up to `ymax`: 0, the middle and the top, but never a fraction
/// on a count axis (`integer`: every value is a whole number), where 0 / 0.50 / 1 would read as if half
/// a message could be redelivered.
pub fn ticks(ymax: f64, integer: bool) -> Vec<f64> {
    let mid = ymax / 2.0;
    if integer && mid.fract() != 0.0 {
        vec![0.0, ymax]
    } else {
        vec![0.0, mid, ymax]
    }
}

/// The value axis of a plot starting `top` units down: a line and a label at each of [`ticks`]
/// (both charts draw it).
pub fn grid(ymax: f64, integer: bool, top: f64) -> Html {
    ticks(ymax, integer)
        .into_iter()
        .map(|v| {
            let y = top + (1.0 - v / ymax) * (H - top - BOTTOM);
            html! {
                <g class="chart__grid">
                    <line x1="40" x2="242" y1={crate::num::fixed(y, 1)} y2={crate::num::fixed(y, 1)} />
                    <text x="36" y={crate::num::fixed(y + 4.0, 1)} text-anchor="end">{ vtext(fmt_value(v)) }</text>
                </g>
            }
        })
        .collect()
}

/// A time axis label in seconds, short enough for two to fit under the plot: `0 s`, `0.35 s`,
/// `2,120.2 s`.
pub fn axis_seconds(ms: u64) -> String {
    if ms == 0 {
        "0 s".to_string()
    } else if ms < 10_000 {
        let point = crate::num::point();
        format!("{}{point}{:02} s", ms / 1000, ms % 1000 / 10)
    } else {
        let point = crate::num::point();
        format!("{}{point}{} s", grouped(ms / 1000), ms % 1000 / 100)
    }
}

/// Rows of the fallback table: at most this many, evenly spread over the run.
const TABLE_ROWS: usize = 12;

/// Points drawn per series at most.
const MAX_POINTS: usize = 160;

pub fn line_chart(props: &LineChartProps) -> Html {
    let t0 = props
        .series
        .iter()
        .filter_map(|s| s.points.first().map(|p| p.0))
        .fold(f64::INFINITY, f64::min);
    let t1 = props
        .series
        .iter()
        .filter_map(|s| s.points.last().map(|p| p.0))
        .fold(f64::NEG_INFINITY, f64::max);
    let empty = !t0.is_finite() || !t1.is_finite();
    // Time starts at 0 on every chart, even when the first sample comes later, so charts side by
    // side share their left edge and a late start is seen as late.
    let (t0, t1) = if empty {
        (0.0, 1.0)
    } else {
        (0.0, t1.max(1.0))
    };
    let ymax = nice_max(
        props
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .fold(0.0, f64::max),
    );
    let x = |t: f64| LEFT + (t - t0) / (t1 - t0) * (W - LEFT - RIGHT);
    let y = |v: f64| TOP + (1.0 - v / ymax) * (H - TOP - BOTTOM);
    let title_id = format!("{}-title", props.id);
    let desc_id = format!("{}-desc", props.id);

    let integer = props
        .series
        .iter()
        .all(|s| s.points.iter().all(|p| p.1.fract() == 0.0));
    let grid = grid(ymax, integer, TOP);
    let lines = props.series.iter().map(|s| {
        // A chart a few hundred pixels wide shows no more than this many points; drawing every sample
        // of a long run would only cost frames.
        let stride = s.points.len().div_ceil(MAX_POINTS).max(1);
        let last = s.points.len().saturating_sub(1);
        let points: String = s
            .points
            .iter()
            .enumerate()
            .filter(|(i, _)| i % stride == 0 || *i == last)
            .map(|(_, &(t, v))| format!("{},{}", crate::num::fixed(x(t), 1), crate::num::fixed(y(v), 1)))
            .collect::<Vec<_>>()
            .join(" ");
        html! {
            <polyline class={classes!("chart__line", format!("chart__line--{}", s.style))} points={points} />
        }
    });
    let legend = props.series.iter().map(|s| {
        html! {
            <li class="chart__key">
                <svg class="chart__swatch" viewBox="0 0 24 8" aria-hidden="true" width="24" height="8">
                    <line class={classes!("chart__line", format!("chart__line--{}", s.style))} x1="0" x2="24" y1="4" y2="4" />
                </svg>
                { vtr(s.name) }
            </li>
        }
    });

    // The table samples the longest series evenly so it stays short.
    let longest = props
        .series
        .iter()
        .map(|s| s.points.len())
        .max()
        .filter(|_| props.table)
        .unwrap_or(0);
    let stride = longest.div_ceil(TABLE_ROWS).max(1);
    let rows = (0..longest)
        .step_by(stride)
        .chain((longest > 0 && (longest - 1) % stride != 0).then(|| longest - 1))
        .map(|i| {
            let t = props
                .series
                .iter()
                .find_map(|s| s.points.get(i).map(|p| p.0))
                .unwrap_or(0.0);
            html! {
                <tr>
                    <th scope="row" class="mono">{ crate::num::fixed(t, 0) }</th>
                    { for props.series.iter().map(|s| html! {
                        <td class="mono num">{ s.points.get(i).map(|p| fmt_value(p.1)).unwrap_or_default() }</td>
                    }) }
                </tr>
            }
        });

    html! {
        <figure class="chart" data-testid={props.id.clone()}>
            <svg class="chart__svg" viewBox={format!("0 0 {} {}", W as u32, H as u32)} role="img"
                aria-labelledby={format!("{title_id} {desc_id}")}>
                <title id={title_id}>{ vtext(props.title.clone()) }</title>
                <desc id={desc_id}>{ vtext(props.desc.clone()) }</desc>
                { grid }
                <line class="chart__axis" x1="40" x2="242"
                    y1="105" y2="105" />
                <text class="chart__tick" x="40" y="120">{ vtext(axis_seconds(t0 as u64)) }</text>
                <text class="chart__tick" x="242" y="120" text-anchor="end">{ vtext(axis_seconds(t1 as u64)) }</text>
                { for lines }
                if empty {
                    <text class="chart__empty" x="125" y="62.5" text-anchor="middle">{ vtr("no data yet") }</text>
                }
            </svg>
            <figcaption class="chart__caption">
                <strong>{ vtext(props.title.clone()) }</strong>
                <ul class="chart__legend">{ for legend }</ul>
            </figcaption>
            <details class="chart__data">
                <summary>{ vtr("Data table") }</summary>
                <table class="table chart__table">
                    <caption class="visually-hidden">{ vtext(props.title.clone()) }</caption>
                    <thead>
                        <tr>
                            <th scope="col">{ vtr("time (ms)") }</th>
                            { for props.series.iter().map(|s| html! { <th scope="col" class="num">{ vtr(s.name) }</th> }) }
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </details>
        </figure>
    }
}
