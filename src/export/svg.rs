//! An SVG picture drawn without Graphviz, for slides and reports.
//!
//! Boxes sit in rows: breadth-first layers from the best-connected entity, ordered by
//! barycentres, long layers wrapped. Edges are drawn orthogonally and never through a box:
//! between neighbouring rows they run in the channel between them, within a row in the
//! channel above it, and between rows further apart down a lane in the side margin. Every
//! horizontal run gets its own track in its channel, wide enough for its label, so labels
//! never overlap each other or a box. The relations between one pair of entities are one
//! bundled edge with all their labels and an arrowhead at each end a relation points to.

use super::Subgraph;
use crate::error::Error;
use crate::paths::guard::Guard;
use crate::schema::Lang;
use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr;

const FONT: &str =
    "'Noto Sans CJK SC','WenQuanYi Zen Hei','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif";
const FONT_SIZE: f64 = 12.0;
const LABEL_SIZE: f64 = 10.0;
const NODE_HEIGHT: f64 = 26.0;
const NODE_GAP: f64 = 26.0;
/// The vertical room of one track in a channel (a label's height and some air).
const TRACK: f64 = 16.0;
/// Air between a channel's outer tracks and the rows it separates.
const CHANNEL_PAD: f64 = 14.0;
const LANE_GAP: f64 = 8.0;
const MARGIN: f64 = 24.0;
/// Room above the first row for the title and the legend.
const HEADER: f64 = 70.0;
const DEFAULT_ROW_WIDTH: f64 = 1800.0;
/// Above this many entities a picture is laid out once, not searched for its shape.
const LARGE_DRAWING: usize = 2000;
const GROUP_COLOURS: &[&str] =
    &["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];

/// The picture's shape: its own, an aspect ratio (`16:9`), or a size in pixels (`1920x1080`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PictureSize {
    Natural,
    Aspect(f64),
    Pixels(f64, f64),
}

impl std::str::FromStr for PictureSize {
    type Err = String;

    fn from_str(text: &str) -> Result<PictureSize, String> {
        let number = |s: &str| s.trim().parse::<f64>().ok().filter(|n| n.is_finite() && *n > 0.0 && *n <= 20000.0);
        if let Some((w, h)) = text.split_once(':') {
            if let (Some(w), Some(h)) = (number(w), number(h)) {
                return Ok(PictureSize::Aspect(w / h));
            }
        }
        if let Some((w, h)) = text.split_once(['x', 'X']) {
            if let (Some(w), Some(h)) = (number(w), number(h)) {
                return Ok(PictureSize::Pixels(w, h));
            }
        }
        Err(format!("`{text}` is not W:H (e.g. 16:9) or WIDTHxHEIGHT (e.g. 1920x1080)"))
    }
}

/// A laid-out box.
#[derive(Debug, Clone, Copy)]
pub(super) struct Placed {
    pub x: f64,
    pub y: f64,
    pub width: f64,
}

/// The relations between one pair of entities, drawn as one edge from `upper` (the box
/// in the higher row, or the left one in a row) to `lower`.
#[derive(Debug, Clone)]
struct Bundle {
    upper: usize,
    lower: usize,
    labels: Vec<String>,
    /// Some relation points from `upper` to `lower` (an arrowhead at `lower`).
    down: bool,
    /// Some relation points from `lower` to `upper` (an arrowhead at `upper`).
    up: bool,
    group: Option<String>,
    titles: Vec<String>,
}

/// One horizontal run of a bundle in a channel: its ends, and the label it carries.
#[derive(Debug, Clone)]
struct Run {
    bundle: usize,
    channel: usize,
    from: f64,
    to: f64,
    label: Option<String>,
    track: usize,
}

/// How a bundle goes: its port sides and, for rows far apart, its side lane.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Route {
    /// Both ends in one row: up from both tops into the channel above.
    SameRow,
    /// Neighbouring rows: down from the upper box, into the top of the lower one.
    Adjacent,
    /// Rows further apart: out to a lane in the left or right margin and back.
    Lane { left: bool, index: usize },
}

/// The finished drawing: boxes, edge paths with labels, and the canvas.
#[derive(Debug, Clone)]
pub(super) struct Drawing {
    pub boxes: Vec<Placed>,
    /// Each bundle's polyline, its label positions (centre x, baseline y, width) and text.
    pub edges: Vec<DrawnEdge>,
    pub width: f64,
    pub height: f64,
}

#[derive(Debug, Clone)]
pub(super) struct DrawnEdge {
    pub points: Vec<(f64, f64)>,
    pub label: Option<(f64, f64, f64, String)>,
    pub start_arrow: bool,
    pub end_arrow: bool,
    pub group: Option<String>,
    pub title: String,
}

/// The width a box needs for its label at the drawing's font size.
fn label_width(label: &str) -> f64 {
    UnicodeWidthStr::width(label) as f64 * FONT_SIZE * 0.6 + 20.0
}

/// The width an edge label needs.
fn edge_label_width(label: &str) -> f64 {
    UnicodeWidthStr::width(label) as f64 * LABEL_SIZE * 0.6 + 8.0
}

/// Each box's width: room for its label, and for its edges' ends spread along its sides.
fn box_widths(graph: &Subgraph) -> Vec<f64> {
    let mut neighbours: Vec<std::collections::BTreeSet<usize>> = vec![Default::default(); graph.nodes.len()];
    for edge in &graph.edges {
        neighbours[edge.source].insert(edge.target);
        neighbours[edge.target].insert(edge.source);
    }
    graph
        .nodes
        .iter()
        .zip(&neighbours)
        .map(|(node, near)| label_width(&node.label).max((near.len() + 1) as f64 * PORT_GAP))
        .collect()
}

/// The room one edge's end takes along a box side.
const PORT_GAP: f64 = 7.0;

/// The rows of boxes, each a list of nodes left to right, no row wider than `max_width`.
fn rows_of(graph: &Subgraph, widths: &[f64], max_width: f64) -> Vec<Vec<usize>> {
    let n = graph.nodes.len();
    let mut adjacency: Vec<Vec<usize>> = vec![Vec::new(); n];
    for edge in &graph.edges {
        if edge.source != edge.target {
            adjacency[edge.source].push(edge.target);
            adjacency[edge.target].push(edge.source);
        }
    }
    for list in &mut adjacency {
        list.sort_unstable();
        list.dedup();
    }
    // Components, largest first; each laid out in breadth-first layers from its hub.
    let mut component_of = vec![usize::MAX; n];
    let mut components: Vec<Vec<usize>> = Vec::new();
    for start in 0..n {
        if component_of[start] != usize::MAX {
            continue;
        }
        let mut members = vec![start];
        component_of[start] = components.len();
        let mut i = 0;
        while i < members.len() {
            for &next in &adjacency[members[i]] {
                if component_of[next] == usize::MAX {
                    component_of[next] = components.len();
                    members.push(next);
                }
            }
            i += 1;
        }
        components.push(members);
    }
    components.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut singles: Vec<usize> = Vec::new();
    for members in &components {
        if members.len() == 1 {
            singles.push(members[0]);
            continue;
        }
        let hub = *members
            .iter()
            .max_by(|a, b| adjacency[**a].len().cmp(&adjacency[**b].len()).then(b.cmp(a)))
            .expect("components are not empty");
        let mut layer_of = BTreeMap::new();
        let mut layers: Vec<Vec<usize>> = Vec::new();
        let mut queue = VecDeque::from([(hub, 0usize)]);
        layer_of.insert(hub, 0usize);
        while let Some((node, layer)) = queue.pop_front() {
            if layers.len() <= layer {
                layers.push(Vec::new());
            }
            layers[layer].push(node);
            for &next in &adjacency[node] {
                if let std::collections::btree_map::Entry::Vacant(slot) = layer_of.entry(next) {
                    slot.insert(layer + 1);
                    queue.push_back((next, layer + 1));
                }
            }
        }
        order_by_barycentre(&mut layers, &adjacency);
        for layer in layers {
            wrap_into_rows(widths, layer, max_width, &mut rows);
        }
    }
    // Entities without relations share the last rows.
    if !singles.is_empty() {
        wrap_into_rows(widths, singles, max_width, &mut rows);
    }
    rows
}

fn wrap_into_rows(widths: &[f64], nodes: Vec<usize>, max_width: f64, rows: &mut Vec<Vec<usize>>) {
    let mut row = Vec::new();
    let mut width = 0.0;
    for node in nodes {
        let w = widths[node] + NODE_GAP;
        if !row.is_empty() && width + w > max_width {
            rows.push(std::mem::take(&mut row));
            width = 0.0;
        }
        row.push(node);
        width += w;
    }
    if !row.is_empty() {
        rows.push(row);
    }
}

fn order_by_barycentre(layers: &mut [Vec<usize>], adjacency: &[Vec<usize>]) {
    for _ in 0..4 {
        for downward in [true, false] {
            let indexes: Vec<usize> = if downward {
                (1..layers.len()).collect()
            } else {
                (0..layers.len().saturating_sub(1)).rev().collect()
            };
            for i in indexes {
                let reference = if downward { i - 1 } else { i + 1 };
                let position: BTreeMap<usize, usize> =
                    layers[reference].iter().enumerate().map(|(p, n)| (*n, p)).collect();
                let mut keyed: Vec<(f64, usize, usize)> = layers[i]
                    .iter()
                    .enumerate()
                    .map(|(p, &node)| {
                        let near: Vec<usize> =
                            adjacency[node].iter().filter_map(|m| position.get(m).copied()).collect();
                        let key = if near.is_empty() {
                            p as f64
                        } else {
                            near.iter().sum::<usize>() as f64 / near.len() as f64
                        };
                        (key, p, node)
                    })
                    .collect();
                keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                layers[i] = keyed.into_iter().map(|(_, _, node)| node).collect();
            }
        }
    }
}

/// The relations grouped by pair of entities, each pair ordered by placement.
fn bundles(graph: &Subgraph, row_of: &[usize], x_of: &[f64]) -> Vec<Bundle> {
    let mut by_pair: BTreeMap<(usize, usize), Bundle> = BTreeMap::new();
    for edge in &graph.edges {
        let (s, t) = (edge.source, edge.target);
        let s_first = (row_of[s], x_of[s]) <= (row_of[t], x_of[t]);
        let (upper, lower) = if s_first { (s, t) } else { (t, s) };
        let bundle = by_pair.entry((upper, lower)).or_insert_with(|| Bundle {
            upper,
            lower,
            labels: Vec::new(),
            down: false,
            up: false,
            group: edge.group.clone(),
            titles: Vec::new(),
        });
        if !bundle.labels.contains(&edge.label) {
            bundle.labels.push(edge.label.clone());
        }
        if s_first {
            bundle.down = true;
        } else {
            bundle.up = true;
        }
        bundle
            .titles
            .push(format!("{} —{}→ {}", graph.nodes[edge.source].label, edge.label, graph.nodes[edge.target].label));
    }
    by_pair.into_values().collect()
}

/// Lays out and routes the whole drawing for rows at most `max_width` wide.
pub(super) fn draw(graph: &Subgraph, max_width: f64, guard: &Guard) -> Result<Drawing, Error> {
    let n = graph.nodes.len();
    let widths = box_widths(graph);
    let rows = rows_of(graph, &widths, max_width);
    if guard.stop_now() {
        return Err(stopped(guard));
    }
    let mut row_of = vec![0usize; n];
    let mut rel_x = vec![0.0f64; n];
    let row_width = |row: &Vec<usize>| -> f64 {
        row.iter().map(|&i| widths[i]).sum::<f64>() + NODE_GAP * (row.len().saturating_sub(1)) as f64
    };
    let content_width = rows.iter().map(row_width).fold(360.0, f64::max);
    for (r, row) in rows.iter().enumerate() {
        let mut x = (content_width - row_width(row)) / 2.0;
        for &node in row {
            row_of[node] = r;
            rel_x[node] = x;
            x += widths[node] + NODE_GAP;
        }
    }
    let centre = |node: usize| rel_x[node] + widths[node] / 2.0;
    let bundles = bundles(graph, &row_of, &rel_x);
    if guard.stop_now() {
        return Err(stopped(guard));
    }
    // Routes, and lanes for the bundles between rows far apart.
    let (mut left_lanes, mut right_lanes) = (0usize, 0usize);
    let routes: Vec<Route> = bundles
        .iter()
        .map(|b| {
            let (ru, rl) = (row_of[b.upper], row_of[b.lower]);
            if ru == rl {
                Route::SameRow
            } else if rl == ru + 1 {
                Route::Adjacent
            } else {
                let left = (centre(b.upper) + centre(b.lower)) / 2.0 < content_width / 2.0;
                let counter = if left { &mut left_lanes } else { &mut right_lanes };
                *counter += 1;
                Route::Lane { left, index: *counter - 1 }
            }
        })
        .collect();
    let left_pad = MARGIN + left_lanes as f64 * LANE_GAP + if left_lanes > 0 { LANE_GAP } else { 0.0 };
    let right_pad = MARGIN + right_lanes as f64 * LANE_GAP + if right_lanes > 0 { LANE_GAP } else { 0.0 };
    let x_of: Vec<f64> = rel_x.iter().map(|x| x + left_pad).collect();
    let width = content_width + left_pad + right_pad;
    let lane_x = |left: bool, index: usize| -> f64 {
        if left {
            MARGIN + index as f64 * LANE_GAP
        } else {
            width - MARGIN - index as f64 * LANE_GAP
        }
    };
    // Ports: each bundle end on a box's top or bottom side, spread along it in the order of
    // where the bundle goes, so no two ends share a point.
    // (bundle, is the upper end) -> (node, on top side, x it heads to)
    let mut ends: Vec<(usize, bool, usize, bool, f64)> = Vec::new();
    for (i, (b, route)) in bundles.iter().zip(&routes).enumerate() {
        let toward_lower = centre(b.lower) + left_pad;
        let toward_upper = centre(b.upper) + left_pad;
        match route {
            Route::SameRow => {
                ends.push((i, true, b.upper, true, toward_lower));
                ends.push((i, false, b.lower, true, toward_upper));
            }
            Route::Adjacent => {
                ends.push((i, true, b.upper, false, toward_lower));
                ends.push((i, false, b.lower, true, toward_upper));
            }
            Route::Lane { left, index } => {
                let lane = lane_x(*left, *index);
                ends.push((i, true, b.upper, false, lane));
                ends.push((i, false, b.lower, true, lane));
            }
        }
    }
    let mut port_x: BTreeMap<(usize, bool), f64> = BTreeMap::new();
    let mut sides: BTreeMap<(usize, bool), Vec<(f64, usize, bool)>> = BTreeMap::new();
    for &(bundle, is_upper, node, top, toward) in &ends {
        sides.entry((node, top)).or_default().push((toward, bundle, is_upper));
    }
    for ((node, _), list) in &mut sides {
        list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let k = list.len() as f64;
        for (j, (_, bundle, is_upper)) in list.iter().enumerate() {
            let x = x_of[*node] + widths[*node] * (j as f64 + 1.0) / (k + 1.0);
            port_x.insert((*bundle, *is_upper), x);
        }
    }
    // Horizontal runs, each in a channel: channel r is the space above row r (channel
    // rows.len() is below the last row). The label rides on the bundle's first run.
    let mut runs: Vec<Run> = Vec::new();
    for (i, (b, route)) in bundles.iter().zip(&routes).enumerate() {
        let label = Some(b.labels.join(" · "));
        let (pu, pl) = (port_x[&(i, true)], port_x[&(i, false)]);
        match route {
            Route::SameRow => runs.push(Run { bundle: i, channel: row_of[b.upper], from: pu, to: pl, label, track: 0 }),
            Route::Adjacent => {
                runs.push(Run { bundle: i, channel: row_of[b.lower], from: pu, to: pl, label, track: 0 })
            }
            Route::Lane { left, index } => {
                let lane = lane_x(*left, *index);
                runs.push(Run { bundle: i, channel: row_of[b.upper] + 1, from: pu, to: lane, label, track: 0 });
                runs.push(Run { bundle: i, channel: row_of[b.lower], from: lane, to: pl, label: None, track: 0 });
            }
        }
    }
    // Tracks: in each channel, runs whose extents (label included) overlap get different
    // tracks: greedy interval colouring, leftmost first.
    let channels = rows.len() + 1;
    let mut tracks_in = vec![0usize; channels];
    let extent = |run: &Run| -> (f64, f64) {
        let (lo, hi) = (run.from.min(run.to), run.from.max(run.to));
        match &run.label {
            Some(label) => {
                let mid = (run.from + run.to) / 2.0;
                let half = edge_label_width(label) / 2.0;
                (lo.min(mid - half) - 4.0, hi.max(mid + half) + 4.0)
            }
            None => (lo - 4.0, hi + 4.0),
        }
    };
    let mut in_channel: Vec<Vec<usize>> = vec![Vec::new(); channels];
    for (r, run) in runs.iter().enumerate() {
        in_channel[run.channel].push(r);
    }
    for (channel, mut members) in in_channel.into_iter().enumerate() {
        if guard.stop() {
            return Err(stopped(guard));
        }
        members.sort_by(|a, b| extent(&runs[*a]).0.total_cmp(&extent(&runs[*b]).0).then(a.cmp(b)));
        let mut track_ends: Vec<f64> = Vec::new();
        for r in members {
            let (lo, hi) = extent(&runs[r]);
            let track = match track_ends.iter().position(|end| *end < lo) {
                Some(t) => t,
                None => {
                    track_ends.push(f64::NEG_INFINITY);
                    track_ends.len() - 1
                }
            };
            track_ends[track] = hi;
            runs[r].track = track;
        }
        tracks_in[channel] = track_ends.len();
    }
    // Rows' y from the channels' heights.
    let channel_height = |c: usize| -> f64 {
        if tracks_in[c] == 0 {
            if c == 0 || c == channels - 1 {
                8.0
            } else {
                2.0 * CHANNEL_PAD
            }
        } else {
            2.0 * CHANNEL_PAD + (tracks_in[c] as f64 - 1.0) * TRACK
        }
    };
    let mut channel_top = vec![0.0f64; channels];
    let mut row_y = vec![0.0f64; rows.len()];
    let mut y = MARGIN + HEADER;
    for r in 0..rows.len() {
        channel_top[r] = y;
        y += channel_height(r);
        row_y[r] = y;
        y += NODE_HEIGHT;
    }
    channel_top[channels - 1] = y;
    y += channel_height(channels - 1);
    let height = y + MARGIN;
    let track_y = |channel: usize, track: usize| channel_top[channel] + CHANNEL_PAD + track as f64 * TRACK;
    let boxes: Vec<Placed> = (0..n).map(|i| Placed { x: x_of[i], y: row_y[row_of[i]], width: widths[i] }).collect();
    // Polylines, each from its bundle's own runs (one, or two for a lane).
    let mut runs_of: Vec<Vec<&Run>> = vec![Vec::new(); bundles.len()];
    for run in &runs {
        runs_of[run.bundle].push(run);
    }
    let mut edges = Vec::new();
    for (i, (b, route)) in bundles.iter().zip(&routes).enumerate() {
        if guard.stop() {
            return Err(stopped(guard));
        }
        let (pu, pl) = (port_x[&(i, true)], port_x[&(i, false)]);
        let own = &runs_of[i];
        let (top_u, bottom_u) = (boxes[b.upper].y, boxes[b.upper].y + NODE_HEIGHT);
        let top_l = boxes[b.lower].y;
        let points = match route {
            Route::SameRow => {
                let ty = track_y(own[0].channel, own[0].track);
                vec![(pu, top_u), (pu, ty), (pl, ty), (pl, top_l)]
            }
            Route::Adjacent => {
                let ty = track_y(own[0].channel, own[0].track);
                vec![(pu, bottom_u), (pu, ty), (pl, ty), (pl, top_l)]
            }
            Route::Lane { left, index } => {
                let lane = lane_x(*left, *index);
                let (y1, y2) = (track_y(own[0].channel, own[0].track), track_y(own[1].channel, own[1].track));
                vec![(pu, bottom_u), (pu, y1), (lane, y1), (lane, y2), (pl, y2), (pl, top_l)]
            }
        };
        let label = own[0].label.as_ref().map(|text| {
            let mid = (own[0].from + own[0].to) / 2.0;
            let y = track_y(own[0].channel, own[0].track);
            (mid, y, edge_label_width(text), text.clone())
        });
        edges.push(DrawnEdge {
            points,
            label,
            start_arrow: b.up,
            end_arrow: b.down,
            group: b.group.clone(),
            title: b.titles.join("\n"),
        });
    }
    Ok(Drawing { boxes, edges, width, height })
}

/// The error for a picture whose layout the guard stopped.
fn stopped(guard: &Guard) -> Error {
    guard
        .check("drawing the picture")
        .err()
        .unwrap_or_else(|| Error::Timeout("drawing the picture was stopped".to_owned()))
}

/// The drawing in the shape asked for: the row width that brings it nearest the aspect.
fn draw_to_size(graph: &Subgraph, size: PictureSize, guard: &Guard) -> Result<Drawing, Error> {
    let target = match size {
        PictureSize::Natural => return draw(graph, DEFAULT_ROW_WIDTH, guard),
        PictureSize::Aspect(aspect) => aspect,
        PictureSize::Pixels(w, h) => w / h,
    };
    let widths = box_widths(graph);
    let widest_box = widths.iter().copied().fold(200.0, f64::max);
    // A large drawing is laid out once, at the row width its boxes' area suggests; a
    // smaller one tries a dozen widths and keeps the nearest to the aspect.
    if graph.nodes.len() > LARGE_DRAWING {
        let area: f64 = widths.iter().map(|w| (w + NODE_GAP) * (NODE_HEIGHT + 2.0 * CHANNEL_PAD)).sum();
        return draw(graph, (area * target).sqrt().max(widest_box), guard);
    }
    let mut best: Option<(f64, Drawing)> = None;
    let mut width = widest_box;
    while width <= 8000.0 {
        let drawing = draw(graph, width, guard)?;
        let miss = ((drawing.width / drawing.height) / target).ln().abs();
        if best.as_ref().is_none_or(|(m, _)| miss < *m) {
            best = Some((miss, drawing));
        }
        width *= 1.25;
    }
    match best {
        Some((_, drawing)) => Ok(drawing),
        None => draw(graph, DEFAULT_ROW_WIDTH, guard),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The SVG document.
pub(super) fn render(graph: &Subgraph, lang: Lang, size: PictureSize, guard: &Guard) -> Result<String, Error> {
    let drawing = draw_to_size(graph, size, guard)?;
    // The canvas: the drawing, padded to the aspect asked for and centred in it.
    let (content_w, content_h) = (drawing.width, drawing.height);
    let (canvas_w, canvas_h) = match size {
        PictureSize::Natural => (content_w, content_h),
        PictureSize::Aspect(aspect) => pad_to(content_w, content_h, aspect),
        PictureSize::Pixels(w, h) => pad_to(content_w, content_h, w / h),
    };
    let (shift_x, shift_y) = ((canvas_w - content_w) / 2.0, (canvas_h - content_h) / 2.0);
    let (attr_w, attr_h) = match size {
        PictureSize::Pixels(w, h) => (w, h),
        _ => (canvas_w, canvas_h),
    };
    let group_index = |group: Option<&str>| -> usize {
        group
            .and_then(|g| graph.groups.iter().position(|(key, _)| key == g))
            .map_or(GROUP_COLOURS.len(), |i| i % GROUP_COLOURS.len())
    };
    let colour_of = |i: usize| GROUP_COLOURS.get(i).copied().unwrap_or("#777777");
    let mut out = String::new();
    let _ = writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{attr_w:.0}\" height=\"{attr_h:.0}\" viewBox=\"0 0 {canvas_w:.0} {canvas_h:.0}\" font-family=\"{FONT}\" font-size=\"{FONT_SIZE}\">");
    let _ = writeln!(out, "<title>{}</title>", escape(&graph.title));
    let _ = writeln!(out, "<defs>");
    for i in 0..=GROUP_COLOURS.len() {
        let _ = writeln!(out, "<marker id=\"arrow{i}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{}\"/></marker>", colour_of(i));
    }
    let _ = writeln!(out, "</defs>");
    let _ = writeln!(out, "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
    let _ = writeln!(out, "<g transform=\"translate({shift_x:.1},{shift_y:.1})\">");
    let _ = writeln!(
        out,
        "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"16\" font-weight=\"bold\">{}</text>",
        MARGIN + 4.0,
        escape(&graph.title)
    );
    // Legend: classes present, then relation groups present.
    let mut x = MARGIN;
    let legend_y = MARGIN + 26.0;
    let mut seen_classes: Vec<(String, String)> = Vec::new();
    for node in &graph.nodes {
        let label = node.class_label.clone().unwrap_or_else(|| {
            if lang == Lang::Zh {
                "其他".to_owned()
            } else {
                "other".to_owned()
            }
        });
        if !seen_classes.iter().any(|(l, _)| *l == label) {
            seen_classes.push((label, node.colour.clone()));
        }
    }
    seen_classes.sort();
    let _ = writeln!(out, "<g id=\"legend\">");
    for (label, colour) in &seen_classes {
        let _ = writeln!(out, "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" rx=\"2\" fill=\"{}\" stroke=\"#555\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>", legend_y - 10.0, escape(colour), x + 16.0, legend_y, escape(label));
        x += 16.0 + label_width(label);
    }
    let mut x = MARGIN;
    let legend_y = legend_y + 20.0;
    for (key, label) in &graph.groups {
        if !graph.edges.iter().any(|e| e.group.as_deref() == Some(key)) {
            continue;
        }
        let colour = colour_of(group_index(Some(key)));
        let _ = writeln!(out, "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{colour}\" stroke-width=\"2\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>", legend_y - 4.0, x + 20.0, legend_y - 4.0, x + 24.0, legend_y, escape(label));
        x += 24.0 + label_width(label);
    }
    let _ = writeln!(out, "</g>");
    let _ = writeln!(out, "<g id=\"edges\" fill=\"none\" stroke-width=\"1.3\" stroke-linejoin=\"round\">");
    for edge in &drawing.edges {
        let i = group_index(edge.group.as_deref());
        let d: Vec<String> = edge
            .points
            .iter()
            .enumerate()
            .map(|(k, (x, y))| format!("{}{x:.1},{y:.1}", if k == 0 { "M" } else { "L" }))
            .collect();
        let mut markers = String::new();
        if edge.end_arrow {
            let _ = write!(markers, " marker-end=\"url(#arrow{i})\"");
        }
        if edge.start_arrow {
            let _ = write!(markers, " marker-start=\"url(#arrow{i})\"");
        }
        let _ = writeln!(
            out,
            "<path class=\"edge\" d=\"{}\" stroke=\"{}\"{markers}><title>{}</title></path>",
            d.join(" "),
            colour_of(i),
            escape(&edge.title)
        );
    }
    let _ = writeln!(out, "</g>");
    let _ = writeln!(out, "<g id=\"edge-labels\" font-size=\"{LABEL_SIZE}\" text-anchor=\"middle\">");
    for edge in &drawing.edges {
        let Some((x, y, w, text)) = &edge.label else { continue };
        let colour = colour_of(group_index(edge.group.as_deref()));
        let _ = writeln!(
            out,
            "<g class=\"edge-label\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"#ffffff\" fill-opacity=\"0.9\"/><text x=\"{x:.1}\" y=\"{:.1}\" fill=\"{colour}\">{}</text></g>",
            x - w / 2.0,
            y - LABEL_SIZE * 0.65,
            LABEL_SIZE * 1.3,
            y + LABEL_SIZE * 0.35,
            escape(text)
        );
    }
    let _ = writeln!(out, "</g>");
    let _ = writeln!(out, "<g id=\"nodes\">");
    for (node, place) in graph.nodes.iter().zip(&drawing.boxes) {
        let _ = writeln!(
            out,
            "<g class=\"node\"><title>{}</title><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{NODE_HEIGHT}\" rx=\"6\" fill=\"{}\" stroke=\"#555555\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#111111\">{}</text></g>",
            escape(&node.iri),
            place.x,
            place.y,
            place.width,
            escape(&node.colour),
            place.x + place.width / 2.0,
            place.y + NODE_HEIGHT / 2.0 + FONT_SIZE * 0.35,
            escape(&node.label)
        );
    }
    let _ = writeln!(out, "</g>\n</g>\n</svg>");
    Ok(out)
}

/// The smallest canvas of `aspect` (width / height) holding `w` × `h`.
fn pad_to(w: f64, h: f64, aspect: f64) -> (f64, f64) {
    if w / h < aspect {
        (h * aspect, h)
    } else {
        (w, w / aspect)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ExportEdge, ExportNode};
    use super::*;

    fn graph(nodes: usize, edges: &[(usize, usize, &str)]) -> Subgraph {
        let mut graph = Subgraph::default();
        for i in 0..nodes {
            graph.nodes.push(ExportNode {
                iri: format!("x:{i}"),
                label: if i % 2 == 0 { format!("节点名称{i}") } else { format!("A rather long English label {i}") },
                class: None,
                class_label: None,
                colour: "#fff".into(),
            });
        }
        for (s, t, p) in edges {
            graph.edges.push(ExportEdge {
                source: *s,
                target: *t,
                property: (*p).into(),
                label: (*p).into(),
                group: None,
            });
        }
        graph
    }

    #[test]
    fn a_passed_deadline_stops_the_layout_with_a_timeout() {
        let edges: Vec<(usize, usize, &str)> = (1..3000).map(|i| (i / 2, i, "p")).collect();
        let g = graph(3000, &edges);
        let expired = Guard::new(Some(std::time::Duration::ZERO), None, None);
        for size in [PictureSize::Natural, PictureSize::Aspect(16.0 / 9.0)] {
            assert!(matches!(render(&g, Lang::En, size, &expired), Err(Error::Timeout(_))));
        }
        assert!(render(&g, Lang::En, PictureSize::Natural, &Guard::none()).is_ok());
    }

    /// Whether the segment from `a` to `b` (horizontal or vertical) enters the box.
    fn crosses(a: (f64, f64), b: (f64, f64), place: &Placed) -> bool {
        let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
        let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
        x1 > place.x + 0.5 && x0 < place.x + place.width - 0.5 && y1 > place.y + 0.5 && y0 < place.y + NODE_HEIGHT - 0.5
    }

    fn check(graph: &Subgraph, drawing: &Drawing) {
        for (i, a) in drawing.boxes.iter().enumerate() {
            for b in &drawing.boxes[i + 1..] {
                let apart = a.x + a.width <= b.x
                    || b.x + b.width <= a.x
                    || a.y + NODE_HEIGHT <= b.y
                    || b.y + NODE_HEIGHT <= a.y;
                assert!(apart, "{a:?} overlaps {b:?}");
            }
        }
        for edge in &drawing.edges {
            for pair in edge.points.windows(2) {
                assert!(pair[0].0 == pair[1].0 || pair[0].1 == pair[1].1, "orthogonal: {pair:?}");
                for place in &drawing.boxes {
                    assert!(!crosses(pair[0], pair[1], place), "{:?} crosses {place:?}", edge.points);
                }
            }
        }
        let labels: Vec<(f64, f64, f64)> =
            drawing.edges.iter().filter_map(|e| e.label.as_ref().map(|l| (l.0, l.1, l.2))).collect();
        for (i, a) in labels.iter().enumerate() {
            for b in &labels[i + 1..] {
                let apart = (a.0 - b.0).abs() * 2.0 >= a.2 + b.2 || (a.1 - b.1).abs() >= LABEL_SIZE * 1.3;
                assert!(apart, "labels overlap: {a:?} {b:?}");
            }
        }
        let _ = graph;
    }

    #[test]
    fn no_edge_crosses_a_box_and_no_labels_overlap() {
        let mut edges: Vec<(usize, usize, &str)> = (1..60).map(|i| (i % 7, i, "relation")).collect();
        edges.extend([(3, 50, "far"), (59, 2, "back up"), (10, 11, "beside"), (4, 4, "itself"), (0, 1, "second")]);
        let g = graph(60, &edges);
        for width in [400.0, 900.0, 1800.0] {
            check(&g, &draw(&g, width, &Guard::none()).unwrap());
        }
    }

    #[test]
    fn parallel_relations_are_one_bundled_edge() {
        let g = graph(2, &[(0, 1, "outperformed"), (0, 1, "competes with"), (1, 0, "competes with")]);
        let drawing = draw(&g, 1800.0, &Guard::none()).unwrap();
        assert_eq!(drawing.edges.len(), 1);
        let edge = &drawing.edges[0];
        assert!(edge.start_arrow && edge.end_arrow);
        assert_eq!(edge.label.as_ref().map(|l| l.3.as_str()), Some("outperformed · competes with"));
    }

    #[test]
    fn sizes_parse_and_aspect_is_met() {
        assert_eq!("16:9".parse::<PictureSize>(), Ok(PictureSize::Aspect(16.0 / 9.0)));
        assert_eq!("1920x1080".parse::<PictureSize>(), Ok(PictureSize::Pixels(1920.0, 1080.0)));
        assert!("wide".parse::<PictureSize>().is_err());
        assert!("0:9".parse::<PictureSize>().is_err());
        let g = graph(40, &(1..40).map(|i| (i % 5, i, "r")).collect::<Vec<_>>());
        let svg = render(&g, Lang::En, PictureSize::Aspect(16.0 / 9.0), &Guard::none()).unwrap();
        let view: Vec<f64> = svg
            .split("viewBox=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(|v| v.split(' ').filter_map(|n| n.parse().ok()).collect())
            .unwrap_or_default();
        assert!((view[2] / view[3] - 16.0 / 9.0).abs() < 0.01, "{view:?}");
    }
}
