//! The path commands' replies as text: routes as sentences
//! (`Jiang Fan —championed→ Choice ←supplies— 1688overseas`), neighbourhoods by relation
//! group, reach by tier, shared ancestors, and the centrality table.

use super::describe::{dates_suffix, span_suffix, write_evidence, Words};
use crate::commands::paths::{CommonReply, NeighborsReply, PathsReply, RankedEntity, TiersReply};
use crate::paths::names::{EdgeJson, PathJson};
use crate::schema::Lang;
use std::fmt::Write as _;

/// `—label→` or `←label—` for an edge as the route walks it.
fn arrow(edge: &EdgeJson) -> String {
    if edge.direction == "forward" {
        format!("—{}→", edge.property_label)
    } else {
        format!("←{}—", edge.property_label)
    }
}

/// A hop's arrows: its relation, and the parallel ones between the same two entities
/// (`—outperformed→ | —competes with→`).
fn hop_arrows(edge: &EdgeJson) -> String {
    std::iter::once(edge).chain(&edge.parallel).map(arrow).collect::<Vec<_>>().join(" | ")
}

/// One route as a line, with the evidence under each relation of a hop when the reply
/// carries it.
fn path_text(path: &PathJson, lang: Lang) -> String {
    let mut line = path.nodes.first().map(|n| n.label.clone()).unwrap_or_default();
    for (edge, next) in path.edges.iter().zip(path.nodes.iter().skip(1)) {
        let _ = write!(line, " {} {}", hop_arrows(edge), next.label);
    }
    line.push('\n');
    let words = Words::of(lang);
    for (i, hop) in path.edges.iter().enumerate() {
        for edge in std::iter::once(hop).chain(&hop.parallel) {
            let Some(evidence) = &edge.evidence else { continue };
            let _ = writeln!(
                line,
                "  {} {} {}{}",
                path.nodes[i].label,
                arrow(edge),
                path.nodes[i + 1].label,
                dates_suffix(evidence, &words)
            );
            if evidence.is_empty() {
                let _ = writeln!(line, "      {}", words.no_source);
            }
            for e in evidence {
                write_evidence(&mut line, e, &words);
            }
        }
    }
    line
}

/// `path`.
pub fn paths_text(reply: &PathsReply, lang: Lang) -> String {
    let mut text = String::new();
    for (i, path) in reply.paths.iter().enumerate() {
        if reply.numbered {
            let _ = write!(text, "{}. ({} hop{}) ", i + 1, path.length, if path.length == 1 { "" } else { "s" });
        }
        text.push_str(&path_text(path, lang));
    }
    text
}

/// `neighbors`: the entity, then every relation to each neighbour, with its dates, under
/// the relation's group heading.
pub fn neighbors_text(reply: &NeighborsReply, lang: Lang) -> String {
    let words = Words::of(lang);
    let mut text = format!("{}\n", reply.entity.label);
    let mut rows: Vec<(String, String, usize, String, String)> = reply
        .neighbors
        .iter()
        .flat_map(|n| {
            let relations = if n.relations.is_empty() { std::slice::from_ref(&n.via) } else { &n.relations[..] };
            relations.iter().map(|edge| {
                let group = edge.group.clone().unwrap_or_else(|| "other".to_owned());
                let heading = edge.group_label.clone().unwrap_or_else(|| group.clone());
                let via = if n.depth > 1 { format!("  (via {})", n.from_label) } else { String::new() };
                let dates = span_suffix(edge.start.as_deref(), edge.end.as_deref(), &words);
                (group, heading, n.depth, arrow(edge), format!("{}{via}{dates}", n.node.label))
            })
        })
        .collect();
    rows.sort();
    let mut current = None;
    for (group, heading, depth, arrow, label) in rows {
        if current.as_ref() != Some(&group) {
            let _ = writeln!(text, "  {heading}");
            current = Some(group);
        }
        let _ = writeln!(text, "    [{depth}] {arrow} {label}");
    }
    text
}

/// `reach`: tier by tier, each entity with the edge that reached it.
pub fn tiers_text(reply: &TiersReply) -> String {
    let mut text = format!("{} of {}\n", if reply.upstream { "upstream" } else { "downstream" }, reply.entity.label);
    for tier in &reply.tiers {
        let _ = writeln!(text, "  tier {}", tier.tier);
        let mut lines: Vec<String> = tier
            .entities
            .iter()
            .map(|n| format!("    {}   ({} {} {})", n.node.label, n.from_label, arrow(&n.via), n.node.label))
            .collect();
        lines.sort();
        for line in lines {
            let _ = writeln!(text, "{line}");
        }
    }
    text
}

/// `common`.
pub fn common_text(reply: &CommonReply) -> String {
    if reply.ancestors.is_empty() && reply.neighbors.is_empty() {
        return String::new();
    }
    let mut text = format!("{} and {}\n", reply.a.label, reply.b.label);
    if !reply.ancestors.is_empty() {
        let _ = writeln!(text, "  nearest shared ancestors");
        for ancestor in &reply.ancestors {
            let _ = writeln!(
                text,
                "    {}   ({} up from {}, {} up from {})",
                ancestor.node.label, ancestor.distance_from_a, reply.a.label, ancestor.distance_from_b, reply.b.label
            );
        }
    }
    if !reply.neighbors.is_empty() {
        let _ = writeln!(text, "  shared neighbours");
        let mut labels: Vec<&str> = reply.neighbors.iter().map(|n| n.label.as_str()).collect();
        labels.sort_unstable();
        for label in labels {
            let _ = writeln!(text, "    {label}");
        }
    }
    text
}

/// `central`: a table.
pub fn ranking_text(rows: &[RankedEntity]) -> String {
    let header = ["#", "entity", "degree", "betweenness"].map(str::to_owned);
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| vec![r.rank.to_string(), r.node.label.clone(), r.degree.to_string(), format!("{:.4}", r.betweenness)])
        .collect();
    super::table::text_table(&header, &rows) + "\n"
}
