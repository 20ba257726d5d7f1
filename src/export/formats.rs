//! The text formats of an export: Graphviz DOT, GraphML, Cytoscape.js JSON and Mermaid.

use super::Subgraph;
use crate::error::Error;
use std::fmt::Write as _;

fn dot_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n"))
}

/// Graphviz DOT: nodes filled with their class colour, edges labelled by property.
pub(super) fn dot(graph: &Subgraph) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph stratagraph {{");
    let _ = writeln!(
        out,
        "  graph [label={}, labelloc=t, rankdir=LR, fontname=\"Noto Sans CJK SC,WenQuanYi Zen Hei,Source Han Sans SC,sans-serif\"];",
        dot_string(&graph.title)
    );
    let _ = writeln!(
        out,
        "  node [shape=box, style=\"rounded,filled\", fontname=\"Noto Sans CJK SC,WenQuanYi Zen Hei,Source Han Sans SC,sans-serif\", fontsize=11];"
    );
    let _ = writeln!(out, "  edge [fontname=\"Noto Sans CJK SC,WenQuanYi Zen Hei,Source Han Sans SC,sans-serif\", fontsize=9, color=\"#555555\"];");
    for (i, node) in graph.nodes.iter().enumerate() {
        let _ = writeln!(
            out,
            "  n{i} [label={}, fillcolor={}, class={}, iri={}, tooltip={}];",
            dot_string(&node.label),
            dot_string(&node.colour),
            dot_string(node.class_label.as_deref().unwrap_or("")),
            dot_string(&node.iri),
            dot_string(&node.iri)
        );
    }
    for edge in &graph.edges {
        let _ = writeln!(
            out,
            "  n{} -> n{} [label={}, property={}, group={}];",
            edge.source,
            edge.target,
            dot_string(&edge.label),
            dot_string(&edge.property),
            dot_string(edge.group.as_deref().unwrap_or(""))
        );
    }
    out.push_str("}\n");
    out
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// GraphML with declared keys for every attribute, so readers keep them.
pub(super) fn graphml(graph: &Subgraph) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    for (id, domain, name) in [
        ("label", "node", "label"),
        ("class", "node", "class"),
        ("iri", "node", "iri"),
        ("colour", "node", "colour"),
        ("elabel", "edge", "label"),
        ("property", "edge", "property"),
        ("group", "edge", "group"),
    ] {
        let _ = writeln!(out, "  <key id=\"{id}\" for=\"{domain}\" attr.name=\"{name}\" attr.type=\"string\"/>");
    }
    let _ = writeln!(out, "  <graph id=\"{}\" edgedefault=\"directed\">", xml_escape(&graph.title));
    for (i, node) in graph.nodes.iter().enumerate() {
        let _ = writeln!(out, "    <node id=\"n{i}\">");
        let _ = writeln!(out, "      <data key=\"label\">{}</data>", xml_escape(&node.label));
        let _ =
            writeln!(out, "      <data key=\"class\">{}</data>", xml_escape(node.class_label.as_deref().unwrap_or("")));
        let _ = writeln!(out, "      <data key=\"iri\">{}</data>", xml_escape(&node.iri));
        let _ = writeln!(out, "      <data key=\"colour\">{}</data>", xml_escape(&node.colour));
        let _ = writeln!(out, "    </node>");
    }
    for (i, edge) in graph.edges.iter().enumerate() {
        let _ = writeln!(out, "    <edge id=\"e{i}\" source=\"n{}\" target=\"n{}\">", edge.source, edge.target);
        let _ = writeln!(out, "      <data key=\"elabel\">{}</data>", xml_escape(&edge.label));
        let _ = writeln!(out, "      <data key=\"property\">{}</data>", xml_escape(&edge.property));
        let _ = writeln!(out, "      <data key=\"group\">{}</data>", xml_escape(edge.group.as_deref().unwrap_or("")));
        let _ = writeln!(out, "    </edge>");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}

/// Cytoscape.js elements JSON.
pub(super) fn cytoscape(graph: &Subgraph) -> Result<String, Error> {
    let nodes: Vec<serde_json::Value> = graph
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            serde_json::json!({ "data": {
                "id": format!("n{i}"), "label": n.label, "iri": n.iri,
                "class": n.class_label, "classIri": n.class, "colour": n.colour
            }})
        })
        .collect();
    let edges: Vec<serde_json::Value> = graph
        .edges
        .iter()
        .enumerate()
        .map(|(i, e)| {
            serde_json::json!({ "data": {
                "id": format!("e{i}"), "source": format!("n{}", e.source), "target": format!("n{}", e.target),
                "label": e.label, "property": e.property, "group": e.group
            }})
        })
        .collect();
    crate::formats::to_json(&serde_json::json!({ "elements": { "nodes": nodes, "edges": edges } }))
}

fn mermaid_text(text: &str) -> String {
    text.replace('"', "#quot;").replace(['\n', '\r'], " ")
}

/// A Mermaid flowchart with a class definition per ontology class.
pub(super) fn mermaid(graph: &Subgraph) -> String {
    let mut out = String::from("flowchart LR\n");
    let mut classes: std::collections::BTreeMap<String, (String, Vec<usize>)> = std::collections::BTreeMap::new();
    for (i, node) in graph.nodes.iter().enumerate() {
        let _ = writeln!(out, "  n{i}[\"{}\"]", mermaid_text(&node.label));
        let class = node
            .class
            .as_deref()
            .map(|c| crate::schema::short_name(c).replace([':', '-', '.'], "_"))
            .unwrap_or_else(|| "Other".to_owned());
        classes.entry(class).or_insert_with(|| (node.colour.clone(), Vec::new())).1.push(i);
    }
    for edge in &graph.edges {
        let _ = writeln!(out, "  n{} -->|\"{}\"| n{}", edge.source, mermaid_text(&edge.label), edge.target);
    }
    for (class, (colour, members)) in &classes {
        let _ = writeln!(out, "  classDef c_{class} fill:{colour},stroke:#555,color:#111");
        let ids: Vec<String> = members.iter().map(|i| format!("n{i}")).collect();
        let _ = writeln!(out, "  class {} c_{class}", ids.join(","));
    }
    out
}
