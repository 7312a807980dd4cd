//! Charts as SVG or PNG files, drawn with plotters and a bundled font so they
//! look the same on every machine.
//!
//! A chart is written to a temporary file beside the target and renamed into
//! place, so a failed render never leaves a half-written file.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::{Error, Result};

const FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
const SIZE: (u32, u32) = (1000, 600);

/// A named line.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label.
    pub name: String,
    /// Points, in x order.
    pub points: Vec<(f64, f64)>,
    /// Draw dashed (for reference lines such as a median or a fit).
    pub dashed: bool,
}

/// A line chart.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineChart {
    /// Title.
    pub title: String,
    /// X axis label, with unit.
    pub x_label: String,
    /// Y axis label, with unit.
    pub y_label: String,
    /// The lines.
    pub series: Vec<Series>,
    /// Horizontal reference lines (label, y), such as a treaty limit.
    pub hlines: Vec<(String, f64)>,
}

/// A bar chart.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BarChart {
    /// Title.
    pub title: String,
    /// Y axis label, with unit.
    pub y_label: String,
    /// Bars (label, value), drawn in this order.
    pub bars: Vec<(String, f64)>,
    /// A horizontal reference line (label, y).
    pub hline: Option<(String, f64)>,
}

fn register_font() -> Result<()> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(Error::Chart(
            "internal error: the bundled font did not load".into(),
        ))
    }
}

fn chart_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::Chart(format!("drawing failed: {e:?}"))
}

fn temp_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    // The image encoder picks the format from the extension, so keep it last.
    path.with_file_name(format!(".{name}.{}.tmp.{ext}", std::process::id()))
}

/// Checks that `path` names an SVG or PNG file; call before long work.
pub fn check_path(path: &Path) -> Result<()> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("svg") | Some("png") => Ok(()),
        _ => Err(Error::Chart(format!(
            "{}: a chart file must end in .svg or .png",
            path.display()
        ))),
    }
}

macro_rules! render_to {
    ($path:expr, $draw:ident, $chart:expr) => {
        render_to!($path, $draw, $chart, SIZE)
    };
    ($path:expr, $draw:ident, $chart:expr, $size:expr) => {{
        let path: &Path = $path;
        check_path(path)?;
        register_font()?;
        let tmp = temp_beside(path);
        let svg = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
        let result = if svg {
            let area = SVGBackend::new(&tmp, $size).into_drawing_area();
            $draw(&area, $chart).and_then(|()| area.present().map_err(chart_err))
        } else {
            let area = BitMapBackend::new(&tmp, $size).into_drawing_area();
            $draw(&area, $chart).and_then(|()| area.present().map_err(chart_err))
        };
        match result {
            Ok(()) => std::fs::rename(&tmp, path).map_err(|source| Error::Write {
                path: path.to_path_buf(),
                source,
            }),
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(e)
            }
        }
    }};
}

/// Writes a line chart to `path` (`.svg` or `.png`).
pub fn write_line_chart(path: &Path, chart: &LineChart) -> Result<()> {
    render_to!(path, draw_lines, chart)
}

/// Writes a bar chart to `path` (`.svg` or `.png`).
pub fn write_bar_chart(path: &Path, chart: &BarChart) -> Result<()> {
    render_to!(path, draw_bars, chart)
}

/// A series over days; `None` leaves a gap in the line.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeSeries {
    /// Legend name.
    pub name: String,
    /// Points in day order.
    pub points: Vec<(chrono::NaiveDate, Option<f64>)>,
}

/// One panel of a time chart, with its own y axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// Y axis label, with units.
    pub y_label: String,
    /// Lines.
    pub series: Vec<TimeSeries>,
}

/// A vertical mark across every panel.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// The day.
    pub day: chrono::NaiveDate,
    /// The text listed under the chart, after the marker's number.
    pub label: String,
    /// Shifts are solid red; atlas facts dashed grey.
    pub shift: bool,
}

/// Panels stacked over one time axis, with markers and shaded missing spans.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeChart {
    /// Title.
    pub title: String,
    /// Panels, top to bottom.
    pub panels: Vec<Panel>,
    /// Numbered vertical marks, listed with their text under the panels.
    pub markers: Vec<Marker>,
    /// Spans with no data ingested, shaded.
    pub missing: Vec<(chrono::NaiveDate, chrono::NaiveDate)>,
}

/// Writes a time chart to `path` (`.svg` or `.png`).
pub fn write_time_chart(path: &Path, chart: &TimeChart) -> Result<()> {
    let listed = chart.markers.len().min(MAX_LISTED) as u32;
    let height = 260 * chart.panels.len().max(1) as u32 + 90 + 20 * listed;
    render_to!(path, draw_time, chart, (1100, height))
}

/// Markers listed under a time chart; more are drawn but not listed.
const MAX_LISTED: usize = 14;

fn day_number(d: chrono::NaiveDate) -> f64 {
    f64::from(crate::analytics::days_since_epoch(d))
}

fn day_label(v: f64) -> String {
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|e| e.checked_add_signed(chrono::Duration::days(v.round() as i64)))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn draw_time<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, c: &TimeChart) -> Result<()> {
    area.fill(&WHITE).map_err(chart_err)?;
    let listed = c.markers.len().min(MAX_LISTED);
    let (_, h) = area.dim_in_pixel();
    let notes_h = 20 * listed as u32 + if c.markers.len() > MAX_LISTED { 20 } else { 0 };
    let (plots, notes) = area.split_vertically(h.saturating_sub(notes_h + 10));
    let titled = plots
        .titled(&c.title, ("sans-serif", 24))
        .map_err(chart_err)?;
    let panels = titled.split_evenly((c.panels.len().max(1), 1));
    let xs = c
        .panels
        .iter()
        .flat_map(|p| {
            p.series
                .iter()
                .flat_map(|s| s.points.iter().map(|p| day_number(p.0)))
        })
        .chain(c.markers.iter().map(|m| day_number(m.day)));
    let (x0, x1) = bounds(xs);
    for (pi, (panel, pa)) in c.panels.iter().zip(panels.iter()).enumerate() {
        let ys = panel
            .series
            .iter()
            .flat_map(|s| s.points.iter().filter_map(|p| p.1));
        let (y0, y1) = bounds(ys);
        let mut chart = ChartBuilder::on(pa)
            .margin(12)
            .x_label_area_size(if pi + 1 == c.panels.len() { 40 } else { 20 })
            .y_label_area_size(80)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(chart_err)?;
        chart
            .configure_mesh()
            .y_desc(&panel.y_label)
            .x_desc(if pi + 1 == c.panels.len() {
                "date (UTC)"
            } else {
                ""
            })
            .x_labels(8)
            .label_style(("sans-serif", 13))
            .axis_desc_style(("sans-serif", 15))
            .x_label_formatter(&|v| day_label(*v))
            .y_label_formatter(&|v| format_tick(*v))
            .draw()
            .map_err(chart_err)?;
        for (from, to) in &c.missing {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(day_number(*from), y0), (day_number(*to) + 1.0, y1)],
                    RGBColor(200, 200, 200).mix(0.5).filled(),
                )))
                .map_err(chart_err)?;
        }
        for (i, m) in c.markers.iter().enumerate() {
            let x = day_number(m.day);
            let style = if m.shift {
                RED.stroke_width(2)
            } else {
                RGBColor(110, 110, 110).stroke_width(1)
            };
            if m.shift {
                chart
                    .draw_series(LineSeries::new(vec![(x, y0), (x, y1)], style))
                    .map_err(chart_err)?;
            } else {
                chart
                    .draw_series(DashedLineSeries::new(vec![(x, y0), (x, y1)], 6, 4, style))
                    .map_err(chart_err)?;
            }
            if pi == 0 {
                chart
                    .draw_series(std::iter::once(Text::new(
                        format!("{}", i + 1),
                        (x, y1),
                        ("sans-serif", 13).into_font().color(&style.color),
                    )))
                    .map_err(chart_err)?;
            }
        }
        for (si, s) in panel.series.iter().enumerate() {
            let col = color(si);
            let mut segments: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
            for (d, v) in &s.points {
                match v {
                    Some(v) => {
                        if let Some(seg) = segments.last_mut() {
                            seg.push((day_number(*d), *v));
                        }
                    }
                    None => segments.push(Vec::new()),
                }
            }
            let mut first = true;
            for seg in segments.into_iter().filter(|s| !s.is_empty()) {
                let points = seg.clone();
                let drawn = chart
                    .draw_series(LineSeries::new(seg, col.stroke_width(2)))
                    .map_err(chart_err)?;
                if first {
                    let name = s.name.clone();
                    drawn
                        .label(name)
                        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], col));
                    first = false;
                }
                if points.len() == 1 {
                    chart
                        .draw_series(points.into_iter().map(|p| Circle::new(p, 3, col.filled())))
                        .map_err(chart_err)?;
                }
            }
        }
        if !panel.series.is_empty() {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .label_font(("sans-serif", 13))
                .position(SeriesLabelPosition::UpperLeft)
                .draw()
                .map_err(chart_err)?;
        }
    }
    for (i, m) in c.markers.iter().take(MAX_LISTED).enumerate() {
        let mut text = format!("{}  {}  {}", i + 1, m.day, m.label);
        if text.chars().count() > 150 {
            text = text.chars().take(147).collect::<String>() + "...";
        }
        let col = if m.shift { RED } else { RGBColor(70, 70, 70) };
        notes
            .draw(&Text::new(
                text,
                (20, 20 * i as i32),
                ("sans-serif", 13).into_font().color(&col),
            ))
            .map_err(chart_err)?;
    }
    if c.markers.len() > MAX_LISTED {
        notes
            .draw(&Text::new(
                format!(
                    "... and {} more (see the table)",
                    c.markers.len() - MAX_LISTED
                ),
                (20, 20 * MAX_LISTED as i32),
                ("sans-serif", 13).into_font().color(&BLACK),
            ))
            .map_err(chart_err)?;
    }
    Ok(())
}

fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if lo == hi {
        return (lo - 1.0, hi + 1.0);
    }
    let pad = (hi - lo) * 0.05;
    (lo - pad, hi + pad)
}

fn draw_lines<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, c: &LineChart) -> Result<()> {
    area.fill(&WHITE).map_err(chart_err)?;
    let xs = c.series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
    let ys = c
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .chain(c.hlines.iter().map(|h| h.1));
    let (x0, x1) = bounds(xs);
    let (y0, y1) = bounds(ys);
    let mut chart = ChartBuilder::on(area)
        .caption(&c.title, ("sans-serif", 24))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(80)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(chart_err)?;
    chart
        .configure_mesh()
        .x_desc(&c.x_label)
        .y_desc(&c.y_label)
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 16))
        .x_label_formatter(&|v| format_tick(*v))
        .y_label_formatter(&|v| format_tick(*v))
        .draw()
        .map_err(chart_err)?;
    for (i, s) in c.series.iter().enumerate() {
        let color = color(i);
        let style = color.stroke_width(2);
        let name = s.name.clone();
        if s.dashed {
            chart
                .draw_series(DashedLineSeries::new(s.points.iter().copied(), 8, 5, style))
                .map_err(chart_err)?
                .label(name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
        } else {
            chart
                .draw_series(LineSeries::new(s.points.iter().copied(), style))
                .map_err(chart_err)?
                .label(name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
        }
    }
    for (label, y) in &c.hlines {
        let y = *y;
        chart
            .draw_series(DashedLineSeries::new(
                vec![(x0, y), (x1, y)],
                10,
                6,
                RED.stroke_width(2),
            ))
            .map_err(chart_err)?
            .label(label.clone())
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 14))
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(chart_err)?;
    Ok(())
}

fn draw_bars<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, c: &BarChart) -> Result<()> {
    area.fill(&WHITE).map_err(chart_err)?;
    let n = c.bars.len().max(1) as i32;
    let (lo, hi) = bounds(
        c.bars
            .iter()
            .map(|b| b.1)
            .chain(c.hline.iter().map(|h| h.1))
            .chain(std::iter::once(0.0)),
    );
    let labels: Vec<String> = c.bars.iter().map(|b| b.0.clone()).collect();
    let mut chart = ChartBuilder::on(area)
        .caption(&c.title, ("sans-serif", 24))
        .margin(16)
        .x_label_area_size(60)
        .y_label_area_size(80)
        // Headroom above the tallest bar keeps the legend clear of the data.
        .build_cartesian_2d((0..n - 1).into_segmented(), lo.min(0.0)..hi * 1.15)
        .map_err(chart_err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n as usize)
        .x_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .y_desc(&c.y_label)
        .y_label_formatter(&|v| format_tick(*v))
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 16))
        .draw()
        .map_err(chart_err)?;
    chart
        .draw_series(
            Histogram::vertical(&chart)
                .margin(12)
                .style_func(|x, _| match x {
                    SegmentValue::Exact(i) | SegmentValue::CenterOf(i) => {
                        color(*i as usize).filled()
                    }
                    SegmentValue::Last => color(0).filled(),
                })
                .data(c.bars.iter().enumerate().map(|(i, (_, v))| (i as i32, *v))),
        )
        .map_err(chart_err)?;
    if let Some((label, y)) = &c.hline {
        let y = *y;
        chart
            .draw_series(DashedLineSeries::new(
                vec![(SegmentValue::Exact(0), y), (SegmentValue::Last, y)],
                10,
                6,
                RED.stroke_width(2),
            ))
            .map_err(chart_err)?
            .label(label.clone())
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED));
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font(("sans-serif", 14))
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(chart_err)?;
    }
    Ok(())
}

/// Ten colours that stay distinct on white (Tableau 10).
fn color(i: usize) -> RGBColor {
    const C: [(u8, u8, u8); 10] = [
        (31, 119, 180),
        (255, 127, 14),
        (44, 160, 44),
        (214, 39, 40),
        (148, 103, 189),
        (140, 86, 75),
        (227, 119, 194),
        (127, 127, 127),
        (188, 189, 34),
        (23, 190, 207),
    ];
    let (r, g, b) = C[i % C.len()];
    RGBColor(r, g, b)
}

/// Tick labels without float noise: `1,550`, `0.25`, `1949`.
fn format_tick(v: f64) -> String {
    if v.abs() >= 1000.0 && v.fract().abs() < 1e-9 && v.abs() < 1e15 {
        let s = crate::format_number(v.round());
        // Years read better without a thousands separator.
        if (1000.0..=2999.0).contains(&v.abs()) {
            s.replace(',', "")
        } else {
            s
        }
    } else if v.fract().abs() < 1e-9 {
        format!("{}", v.round())
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_read_like_numbers() {
        assert_eq!(format_tick(1550.0), "1550");
        assert_eq!(format_tick(40000.0), "40,000");
        assert_eq!(format_tick(0.25), "0.25");
        assert_eq!(format_tick(7.0), "7");
    }

    #[test]
    fn charts_are_written_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let chart = LineChart {
            title: "Test".into(),
            x_label: "round".into(),
            y_label: "position".into(),
            series: vec![Series {
                name: "A".into(),
                points: vec![(1.0, 2.0), (2.0, 3.0)],
                dashed: false,
            }],
            hlines: vec![("limit".into(), 2.5)],
        };
        let svg = dir.path().join("c.svg");
        write_line_chart(&svg, &chart).unwrap();
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(text.starts_with("<svg") && text.contains("Test"));
        let png = dir.path().join("c.png");
        write_line_chart(&png, &chart).unwrap();
        assert_eq!(&std::fs::read(&png).unwrap()[1..4], b"PNG");
        let bad = dir.path().join("c.jpg");
        assert!(write_line_chart(&bad, &chart).is_err());
        let missing = dir.path().join("no/such/dir/c.svg");
        assert!(write_line_chart(&missing, &chart).is_err());
        assert!(!missing.exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp."))
            .collect();
        assert!(leftovers.is_empty());
    }
}
