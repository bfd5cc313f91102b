//! Processing latency as a hand-written SVG histogram, with p50, p95 and p99 marked and a data table.

use super::line_chart::{BOTTOM, H, LEFT, W, grid, nice_max};
use crate::i18n::trf;
use crate::ui::{vtext, vtr};
use yew::prelude::*;

const RIGHT: f64 = 8.0;
/// Room above the plot for the percentile labels.
const TOP: f64 = 17.0;

#[derive(Properties, PartialEq)]
pub struct HistogramChartProps {
    /// `(upper edge ms, count)` of the non-empty buckets, in order.
    pub buckets: Vec<(u64, u64)>,
    /// `(label, ms)`: p50, p95, p99.
    pub marks: Vec<(&'static str, u64)>,
}

pub fn histogram_chart(props: &HistogramChartProps) -> Html {
    let n = props.buckets.len().max(1) as f64;
    let ymax = nice_max(props.buckets.iter().map(|b| b.1).max().unwrap_or(0) as f64);
    let slot = (W - LEFT - RIGHT) / n;
    let y = |v: f64| TOP + (1.0 - v / ymax) * (H - TOP - BOTTOM);
    let bars = props.buckets.iter().enumerate().map(|(i, &(edge, count))| {
        let top = y(count as f64);
        html! {
            <rect class="chart__bar" x={crate::num::fixed(LEFT + i as f64 * slot + 0.5, 1)} y={crate::num::fixed(top, 1)}
                width={crate::num::fixed((slot - 1.0).max(0.5), 1)} height={crate::num::fixed(H - BOTTOM - top, 1)}>
                <title>{ vtext(format!("≤ {edge} ms: {count}")) }</title>
            </rect>
        }
    });
    // A percentile sits in the first bucket whose upper edge reaches it; percentiles sharing a
    // bucket share one marker, so their labels never overprint.
    let mut marked: Vec<(usize, Vec<&str>)> = Vec::new();
    if !props.buckets.is_empty() {
        for &(label, ms) in &props.marks {
            let i = props
                .buckets
                .iter()
                .position(|b| b.0 >= ms)
                .unwrap_or(props.buckets.len() - 1);
            match marked.iter_mut().find(|m| m.0 == i) {
                Some(m) => m.1.push(label),
                None => marked.push((i, vec![label])),
            }
        }
    }
    let marks = marked.iter().enumerate().map(|(k, (i, labels))| {
        let xm = LEFT + (*i as f64 + 0.5) * slot;
        // Neighbouring markers alternate above and inside the plot.
        let ty = if k % 2 == 0 { TOP - 5.0 } else { TOP + 9.0 };
        html! {
            <g class="chart__mark">
                <line x1={crate::num::fixed(xm, 1)} x2={crate::num::fixed(xm, 1)} y1="15" y2="105" />
                <text x={crate::num::fixed(xm + 2.0, 1)} y={crate::num::fixed(ty, 1)}>{ vtext(labels.join(" ")) }</text>
            </g>
        }
    });
    let first = props.buckets.first().map_or(0, |b| b.0);
    let last = props.buckets.last().map_or(0, |b| b.0);
    let summary = props
        .marks
        .iter()
        .map(|(l, v)| format!("{l} {v} ms"))
        .collect::<Vec<_>>()
        .join(", ");
    html! {
        <figure class="chart" data-testid="chart-latency">
            <svg class="chart__svg" viewBox={format!("0 0 {} {}", W as u32, H as u32)} role="img" aria-labelledby="chart-latency-title chart-latency-desc">
                <title id="chart-latency-title">{ vtr("Processing latency") }</title>
                <desc id="chart-latency-desc">{ vtext(trf("How long payments took from receive to ack, as a histogram: {0}.", &[&summary])) }</desc>
                // Counts of payments: whole numbers only on this axis.
                { grid(ymax, true, TOP) }
                { for bars }
                { for marks }
                <text class="chart__tick" x="40" y="120">{ vtext(format!("{first} ms")) }</text>
                <text class="chart__tick" x="242" y="120" text-anchor="end">{ vtext(format!("{last} ms")) }</text>
                if props.buckets.is_empty() {
                    <text class="chart__empty" x="125" y="62.5" text-anchor="middle">{ vtr("no payment finished yet") }</text>
                }
            </svg>
            <figcaption class="chart__caption">
                <strong>{ vtr("Processing latency") }</strong>
                <span class="chart__percentiles mono" data-testid="latency-percentiles">{ vtext(summary) }</span>
            </figcaption>
            <details class="chart__data">
                <summary>{ vtr("Data table") }</summary>
                <table class="table chart__table">
                    <caption class="visually-hidden">{ vtr("Processing latency histogram") }</caption>
                    <thead><tr><th scope="col">{ vtr("up to (ms)") }</th><th scope="col" class="num">{ vtr("payments") }</th></tr></thead>
                    <tbody>
                        { for props.buckets.iter().map(|(edge, count)| html! {
                            <tr><th scope="row" class="mono">{ edge }</th><td class="mono num">{ count }</td></tr>
                        }) }
                    </tbody>
                </table>
            </details>
        </figure>
    }
}
