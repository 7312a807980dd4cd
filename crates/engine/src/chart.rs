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
    ($path:expr, $draw:ident, $chart:expr) => {{
        let path: &Path = $path;
        check_path(path)?;
        register_font()?;
        let tmp = temp_beside(path);
        let svg = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
        let result = if svg {
            let area = SVGBackend::new(&tmp, SIZE).into_drawing_area();
            $draw(&area, $chart).and_then(|()| area.present().map_err(chart_err))
        } else {
            let area = BitMapBackend::new(&tmp, SIZE).into_drawing_area();
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
