//! Geometry of the workbench's SVG charts (survey results, the home's statistics): the
//! templates draw `<rect>`s and `<text>`s from these numbers, so labels stay ordinary
//! escaped template text (no `|safe`, no chart library, nothing fetched by the browser,
//! and they print).

/// One value of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// What it counts (an option, a member type, a day `2026-11-24`, a month `2026-11`).
    pub label: String,
    /// How many.
    pub count: i64,
    /// Its share (0–100) for bar lengths; column charts scale by count instead.
    pub percent: f64,
}

impl Bar {
    /// Bars of `(label, count)` pairs, each with its share of their total.
    pub fn shares(groups: Vec<(String, i64)>) -> Vec<Self> {
        let total: i64 = groups.iter().map(|(_, n)| n).sum();
        groups
            .into_iter()
            .map(|(label, count)| Self { label, count, percent: percent(count, total) })
            .collect()
    }
}

/// `part` of `whole` in percent with one decimal (0 when `whole` is 0).
pub fn percent(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        return 0.0;
    }
    // Counts of members and answers are far below 2^53: exact in an f64.
    #[expect(clippy::cast_precision_loss, reason = "counts far below 2^53")]
    let share = part as f64 * 100.0 / whole as f64;
    (share * 10.0).round() / 10.0
}

/// Width of every chart's `viewBox`.
pub const WIDTH: u32 = 720;
/// Where horizontal bars start (labels end left of it).
const LABEL_WIDTH: u32 = 200;
/// Longest bar (100 %).
const BAR_SPACE: u32 = 400;
/// Height of one horizontal bar row.
const ROW: u32 = 30;
/// Characters of a label shown before it is cut with `…` (the full text is the tooltip).
const LABEL_CHARS: usize = 14;

/// One horizontal bar.
#[derive(Debug, Clone, PartialEq)]
pub struct BarRow {
    /// Top of the row.
    pub y: u32,
    /// Baseline of the row's texts.
    pub text_y: u32,
    /// Label as shown (cut when long).
    pub label: String,
    /// Full label (tooltip).
    pub full_label: String,
    /// Bar length in pixels (at least 1 when the count is not zero).
    pub width: u32,
    /// Where the count text starts.
    pub value_x: u32,
    /// Count.
    pub count: i64,
    /// Percent, formatted (`40.0%`).
    pub percent: String,
}

/// A horizontal bar chart (options of a choice question, values of a rating or number).
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// Height of the `viewBox`.
    pub height: u32,
    /// Rows, top to bottom.
    pub rows: Vec<BarRow>,
}

/// Where bars start (template constant).
pub const BAR_X: u32 = LABEL_WIDTH;

fn cut(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_owned();
    }
    let head: String = label.chars().take(LABEL_CHARS - 1).collect();
    format!("{head}…")
}

/// Bars sized by their percent (100 % is the full length, so multiple-choice shares
/// that add up to more than 100 % compare honestly).
pub fn bar_chart(bars: &[Bar]) -> BarChart {
    let rows: Vec<BarRow> = (0u32..)
        .zip(bars)
        .map(|(i, b)| {
            let exact = f64::from(BAR_SPACE) * b.percent.clamp(0.0, 100.0) / 100.0;
            // Rounded pixels of a length within 0..=400: the cast cannot truncate.
            let mut width = exact.round() as u32;
            if b.count > 0 {
                width = width.max(1);
            }
            BarRow {
                y: i * ROW + 4,
                text_y: i * ROW + 20,
                label: cut(&b.label),
                full_label: b.label.clone(),
                width,
                value_x: BAR_X + width + 8,
                count: b.count,
                percent: format!("{:.1}%", b.percent),
            }
        })
        .collect();
    let n = u32::try_from(rows.len()).unwrap_or(u32::MAX / ROW);
    BarChart { height: n.max(1) * ROW + 8, rows }
}

/// One column of the responses-over-time chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
    /// Centre (for the date label).
    pub centre: u32,
    /// Date (`2026-11-24`).
    pub day: String,
    /// Short date shown under the axis (`11-24`), empty when skipped for room.
    pub tick: String,
    /// Responses that day.
    pub count: i64,
}

/// A column chart of responses per day.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnChart {
    /// Height of the `viewBox`.
    pub height: u32,
    /// The x axis' y.
    pub axis_y: u32,
    /// The largest day (the top of the scale).
    pub max: i64,
    /// Columns, oldest first.
    pub columns: Vec<Column>,
}

const PLOT_LEFT: u32 = 48;
const PLOT_TOP: u32 = 16;
const PLOT_HEIGHT: u32 = 160;
/// Widest column (a survey of two days should not look like two walls).
const MAX_COLUMN: u32 = 40;

/// Columns for `days` (oldest first), every column the same width; at most ~12 date
/// labels (`11-24`) are printed so they never overlap.
pub fn column_chart(days: &[Bar]) -> ColumnChart {
    column_chart_with(days, |label| label.get(5..).unwrap_or(label).to_owned())
}

/// Columns for `values` (oldest first) whose axis labels `tick` shortens (a month
/// `2026-11` to `26-11`).
pub fn column_chart_with(values: &[Bar], tick: impl Fn(&str) -> String) -> ColumnChart {
    let days = values;
    let n = u32::try_from(days.len()).unwrap_or(u32::MAX).max(1);
    let plot_width = WIDTH - PLOT_LEFT - 16;
    let slot = (plot_width / n).max(1);
    let width = (slot * 7 / 10).clamp(1, MAX_COLUMN);
    let max = days.iter().map(|d| d.count).max().unwrap_or(0).max(1);
    let every = usize::try_from(n.div_ceil(12)).unwrap_or(1).max(1);
    let axis_y = PLOT_TOP + PLOT_HEIGHT;
    let columns = (0u32..)
        .zip(days)
        .map(|(i, d)| {
            let h = u32::try_from(i64::from(PLOT_HEIGHT) * d.count / max).unwrap_or(PLOT_HEIGHT);
            let h = if d.count > 0 { h.max(1) } else { 0 };
            let x = PLOT_LEFT + i * slot + (slot - width) / 2;
            let shown = usize::try_from(i).unwrap_or(0) % every == 0;
            Column {
                x,
                y: axis_y - h,
                width,
                height: h,
                centre: x + width / 2,
                day: d.label.clone(),
                tick: if shown { tick(&d.label) } else { String::new() },
                count: d.count,
            }
        })
        .collect();
    ColumnChart { height: axis_y + 28, axis_y, max, columns }
}

/// A month key `2026-11` as an axis label `26-11`.
pub fn month_tick(month: &str) -> String {
    month.get(2..).unwrap_or(month).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, count: i64, percent: f64) -> Bar {
        Bar { label: label.into(), count, percent }
    }

    #[test]
    fn bars_scale_by_percent_and_cut_long_labels() {
        let chart = bar_chart(&[
            bar("北京", 3, 75.0),
            bar("一个非常非常非常非常长的选项文字", 1, 0.1),
            bar("无", 0, 0.0),
        ]);
        assert_eq!(chart.rows[0].width, 300);
        assert_eq!(chart.rows[0].percent, "75.0%");
        assert_eq!(chart.rows[1].width, 1, "a non-zero count stays visible");
        assert_eq!(chart.rows[1].label.chars().count(), LABEL_CHARS);
        assert!(chart.rows[1].label.ends_with('…'));
        assert_eq!(chart.rows[2].width, 0);
        assert_eq!(chart.rows[2].y, 2 * ROW + 4);
        assert_eq!(chart.height, 3 * ROW + 8);
    }

    #[test]
    fn columns_share_the_scale_and_thin_their_labels() {
        let days: Vec<Bar> = (1..=30).map(|d| bar(&format!("2026-11-{d:02}"), d, 0.0)).collect();
        let chart = column_chart(&days);
        assert_eq!(chart.max, 30);
        assert_eq!(chart.columns[29].height, PLOT_HEIGHT);
        assert_eq!(chart.columns[14].height, PLOT_HEIGHT / 2);
        assert_eq!(chart.columns[0].tick, "11-01");
        assert_eq!(chart.columns[1].tick, "", "30 days: every third label");
        assert!(chart.columns.windows(2).all(|w| w[0].x + w[0].width <= w[1].x));
        assert!(column_chart(&[]).columns.is_empty());
    }
}
