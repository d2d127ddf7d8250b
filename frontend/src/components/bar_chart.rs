//! Numbers over time as bars: an inline SVG, so the dashboard needs no chart library.

use leptos::prelude::*;

/// The drawing's coordinate system; the SVG scales to its container's width.
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 120.0;
/// Space between bars, as a share of a bar's slot.
const GAP: f64 = 0.2;

/// One bar per `(label, value)`, oldest first, scaled to the largest value; each bar's
/// `<title>` gives its label and value. `figure.<class>` with `data-total` is the
/// browser tests' hook.
#[component]
pub fn BarChart(
    /// `(label, value)`, left to right (e.g. days and their installs).
    bars: Vec<(String, i64)>,
    /// What a value counts, for the titles and the accessible summary ("installs").
    unit: &'static str,
    /// Shown above the chart, e.g. "30 installs in the last 30 days".
    caption: String,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let total: i64 = bars.iter().map(|(_, value)| value).sum();
    let highest = bars
        .iter()
        .map(|(_, value)| *value)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = WIDTH / bars.len().max(1) as f64;
    let first = bars
        .first()
        .map(|(label, _)| label.clone())
        .unwrap_or_default();
    let last = bars
        .last()
        .map(|(label, _)| label.clone())
        .unwrap_or_default();
    let summary = format!("{caption}: {total} {unit} from {first} to {last}");
    let rects = bars
        .into_iter()
        .enumerate()
        .map(|(index, (label, value))| {
            // Zero still shows as a hairline, so an empty day reads as a day.
            let height = (value as f64 / highest * (HEIGHT - 1.0)).max(1.0);
            view! {
                <rect
                    class="bar"
                    class:bar-empty=value == 0
                    x=format!("{:.2}", index as f64 * slot + slot * GAP / 2.0)
                    y=format!("{:.2}", HEIGHT - height)
                    width=format!("{:.2}", slot * (1.0 - GAP))
                    height=format!("{height:.2}")
                    data-label=label.clone()
                    data-value=value
                >
                    <title>{format!("{label}: {value} {unit}")}</title>
                </rect>
            }
        })
        .collect_view();
    view! {
        <figure class=format!("bar-chart {class}") data-total=total>
            <figcaption>{caption}</figcaption>
            <svg
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                preserveAspectRatio="none"
                role="img"
                aria-label=summary
            >
                {rects}
            </svg>
            <div class="bar-chart-axis muted">
                <span>{first}</span>
                <span>{last}</span>
            </div>
        </figure>
    }
}
