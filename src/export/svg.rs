//! An SVG picture drawn without Graphviz: a layered layout (breadth-first layers from the
//! best-connected entity, ordered by barycentres, long layers wrapped into rows), boxes
//! sized by the display width of their labels so Chinese text fits and no two boxes overlap.

use super::Subgraph;
use crate::schema::{Lang, Schema};
use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr;

const FONT: &str = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif";
const FONT_SIZE: f64 = 12.0;
const NODE_HEIGHT: f64 = 26.0;
const NODE_GAP: f64 = 18.0;
const ROW_GAP: f64 = 64.0;
const MAX_ROW_WIDTH: f64 = 1800.0;
const MARGIN: f64 = 24.0;
const GROUP_COLOURS: &[&str] =
    &["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];

/// A laid-out box.
#[derive(Debug, Clone, Copy)]
pub(super) struct Placed {
    pub x: f64,
    pub y: f64,
    pub width: f64,
}

/// The width a label needs at the drawing's font size.
fn label_width(label: &str) -> f64 {
    UnicodeWidthStr::width(label) as f64 * FONT_SIZE * 0.6 + 20.0
}

/// Places every node; returns the boxes and the canvas size.
pub(super) fn layout(graph: &Subgraph) -> (Vec<Placed>, f64, f64) {
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
    for members in &components {
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
            let mut row = Vec::new();
            let mut width = 0.0;
            for node in layer {
                let w = label_width(&graph.nodes[node].label) + NODE_GAP;
                if !row.is_empty() && width + w > MAX_ROW_WIDTH {
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
    }
    let row_width = |row: &Vec<usize>| -> f64 {
        row.iter().map(|&i| label_width(&graph.nodes[i].label)).sum::<f64>()
            + NODE_GAP * (row.len().saturating_sub(1)) as f64
    };
    let canvas_width = rows.iter().map(row_width).fold(400.0, f64::max) + 2.0 * MARGIN;
    let top = MARGIN + 70.0;
    let mut placed = vec![Placed { x: 0.0, y: 0.0, width: 0.0 }; n];
    for (r, row) in rows.iter().enumerate() {
        let y = top + r as f64 * (NODE_HEIGHT + ROW_GAP);
        let mut x = (canvas_width - row_width(row)) / 2.0;
        for &node in row {
            let width = label_width(&graph.nodes[node].label);
            placed[node] = Placed { x, y, width };
            x += width + NODE_GAP;
        }
    }
    let canvas_height = top + rows.len() as f64 * (NODE_HEIGHT + ROW_GAP) + MARGIN;
    (placed, canvas_width, canvas_height)
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

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The SVG document.
pub(super) fn render(graph: &Subgraph, schema: &Schema, lang: Lang) -> String {
    let (placed, width, height) = layout(graph);
    let group_colour = |group: Option<&str>| -> &str {
        group
            .and_then(|g| graph.groups.iter().position(|(key, _)| key == g))
            .map_or("#777777", |i| GROUP_COLOURS[i % GROUP_COLOURS.len()])
    };
    let mut out = String::new();
    let _ = writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"{FONT}\" font-size=\"{FONT_SIZE}\">");
    let _ = writeln!(out, "<title>{}</title>", escape(&graph.title));
    let _ = writeln!(out, "<defs>");
    for (i, colour) in GROUP_COLOURS.iter().chain(std::iter::once(&"#777777")).enumerate() {
        let _ = writeln!(out, "<marker id=\"arrow{i}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{colour}\"/></marker>");
    }
    let _ = writeln!(out, "</defs>");
    let _ = writeln!(out, "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
    let _ = writeln!(
        out,
        "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"16\" font-weight=\"bold\">{}</text>",
        MARGIN + 4.0,
        escape(&graph.title)
    );
    // Legend: classes present, then relation groups present.
    let mut x = MARGIN;
    let legend_y = MARGIN + 24.0;
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
        let colour = group_colour(Some(key));
        let _ = writeln!(out, "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{colour}\" stroke-width=\"2\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>", legend_y - 4.0, x + 20.0, legend_y - 4.0, x + 24.0, legend_y, escape(label));
        x += 24.0 + label_width(label);
    }
    let _ = schema;
    let _ = writeln!(out, "<g id=\"edges\" fill=\"none\" stroke-width=\"1.2\">");
    for edge in &graph.edges {
        let (a, b) = (placed[edge.source], placed[edge.target]);
        let colour = group_colour(edge.group.as_deref());
        let marker = edge
            .group
            .as_deref()
            .and_then(|g| graph.groups.iter().position(|(key, _)| key == g))
            .map_or(GROUP_COLOURS.len(), |i| i % GROUP_COLOURS.len());
        let (ax, bx) = (a.x + a.width / 2.0, b.x + b.width / 2.0);
        let path = if edge.source == edge.target {
            format!("M{:.1},{:.1} c30,-30 60,0 {:.1},{:.1}", a.x + a.width, a.y + 6.0, 0.0, NODE_HEIGHT - 12.0)
        } else if (a.y - b.y).abs() < 1.0 {
            let lift = 22.0 + (ax - bx).abs().min(400.0) / 12.0;
            format!("M{ax:.1},{:.1} C{ax:.1},{:.1} {bx:.1},{:.1} {bx:.1},{:.1}", a.y, a.y - lift, b.y - lift, b.y)
        } else if a.y < b.y {
            let (y1, y2) = (a.y + NODE_HEIGHT, b.y);
            let mid = (y1 + y2) / 2.0;
            format!("M{ax:.1},{y1:.1} C{ax:.1},{mid:.1} {bx:.1},{mid:.1} {bx:.1},{y2:.1}")
        } else {
            let (y1, y2) = (a.y, b.y + NODE_HEIGHT);
            let mid = (y1 + y2) / 2.0;
            format!("M{ax:.1},{y1:.1} C{ax:.1},{mid:.1} {bx:.1},{mid:.1} {bx:.1},{y2:.1}")
        };
        let title = format!("{} —{}→ {}", graph.nodes[edge.source].label, edge.label, graph.nodes[edge.target].label);
        let _ = writeln!(
            out,
            "<path d=\"{path}\" stroke=\"{colour}\" marker-end=\"url(#arrow{marker})\"><title>{}</title></path>",
            escape(&title)
        );
    }
    let _ = writeln!(out, "</g>");
    let _ = writeln!(out, "<g id=\"nodes\">");
    for (node, place) in graph.nodes.iter().zip(&placed) {
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
    let _ = writeln!(out, "</g>\n</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::super::{ExportEdge, ExportNode};
    use super::*;

    #[test]
    fn boxes_never_overlap() {
        let mut graph = Subgraph::default();
        for i in 0..60 {
            graph.nodes.push(ExportNode {
                iri: format!("x:{i}"),
                label: if i % 2 == 0 { format!("节点名称{i}") } else { format!("A rather long English label {i}") },
                class: None,
                class_label: None,
                colour: "#fff".into(),
            });
        }
        for i in 1..60 {
            graph.edges.push(ExportEdge {
                source: i % 7,
                target: i,
                property: "p".into(),
                label: "p".into(),
                group: None,
            });
        }
        let (placed, _, _) = layout(&graph);
        for (i, a) in placed.iter().enumerate() {
            for b in &placed[i + 1..] {
                let apart = a.x + a.width <= b.x
                    || b.x + b.width <= a.x
                    || a.y + NODE_HEIGHT <= b.y
                    || b.y + NODE_HEIGHT <= a.y;
                assert!(apart, "{a:?} overlaps {b:?}");
            }
        }
    }
}
