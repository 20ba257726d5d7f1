//! Exports, checked by real consumers: Graphviz renders the DOT, the GraphML and SVG are
//! well-formed XML with what tools need, the Cytoscape JSON has its elements, and the RDF
//! formats load back into a store as the same graph.

use crate::util::Test;
use std::process::Command;

/// True when Graphviz is installed; under CI (which installs it) its absence is a failure.
fn graphviz_available() -> bool {
    let found = Command::new("dot").arg("-V").output().is_ok();
    assert!(found || std::env::var_os("CI").is_none(), "CI must install graphviz");
    found
}

#[test]
fn dot_export_renders_with_graphviz() {
    let outcome = Test::new().args(["export", "--format", "dot", "--via", "organization,supply"]).run().success();
    assert!(outcome.stdout.starts_with("digraph stratagraph {"));
    assert!(outcome.stdout.contains("label=\"AliExpress\""));
    assert!(outcome.stdout.contains("fillcolor=\"#"));
    if !graphviz_available() {
        eprintln!("graphviz `dot` is not installed here: rendering not checked (CI installs it)");
        return;
    }
    let dot_file = outcome.dir.join("graph.dot");
    std::fs::write(&dot_file, &outcome.stdout).unwrap();
    let rendered = Command::new("dot").arg("-Tsvg").arg(&dot_file).output().expect("run dot");
    assert!(rendered.status.success(), "dot failed: {}", String::from_utf8_lossy(&rendered.stderr));
    assert!(String::from_utf8_lossy(&rendered.stdout).contains("AliExpress"));
}

#[test]
fn dot_labels_in_chinese_with_lang_zh() {
    Test::new()
        .args(["export", "--format", "dot", "--lang", "zh", "--around", "AIDC"])
        .run()
        .success()
        .stdout_has("label=\"速卖通\"")
        .stdout_has("fontname=\"Noto Sans CJK SC,WenQuanYi Zen Hei,Source Han Sans SC,sans-serif\"");
    // The font list resolves to an installed CJK font through fontconfig, as Graphviz does.
    if let Ok(found) = Command::new("fc-list").arg(":lang=zh").arg("family").output() {
        let families = String::from_utf8_lossy(&found.stdout).into_owned();
        let cjk = families
            .lines()
            .any(|f| f.contains("Noto Sans CJK") || f.contains("WenQuanYi") || f.contains("Source Han"));
        assert!(cjk || std::env::var_os("CI").is_none(), "CI installs a CJK font the DOT font list names: {families}");
    }
}

/// Parses an XML document with a real XML parser (roxmltree), panicking with its message.
fn assert_well_formed_xml(text: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("not well-formed XML: {e}"))
}

#[test]
fn graphml_declares_its_keys_and_is_well_formed() {
    let outcome = Test::new().args(["export", "--format", "graphml"]).run().success();
    let document = assert_well_formed_xml(&outcome.stdout);
    // Every edge names nodes that exist, and every data key is declared: what GraphML
    // readers (yEd, Gephi, networkx) insist on.
    let element = |name: &str| -> Vec<roxmltree::Node<'_, '_>> {
        document.descendants().filter(|n| n.tag_name().name() == name).collect()
    };
    let node_ids: std::collections::HashSet<&str> = element("node").iter().filter_map(|n| n.attribute("id")).collect();
    let key_ids: std::collections::HashSet<&str> = element("key").iter().filter_map(|n| n.attribute("id")).collect();
    for edge in element("edge") {
        assert!(node_ids.contains(edge.attribute("source").unwrap()), "edge source is a node");
        assert!(node_ids.contains(edge.attribute("target").unwrap()), "edge target is a node");
    }
    for data in element("data") {
        assert!(key_ids.contains(data.attribute("key").unwrap()), "data key {:?} is declared", data.attribute("key"));
    }
    for key in ["label", "class", "iri", "colour", "property", "group"] {
        assert!(outcome.stdout.contains(&format!("attr.name=\"{key}\"")), "key {key} declared");
    }
    let nodes = outcome.stdout.matches("<node ").count();
    let edges = outcome.stdout.matches("<edge ").count();
    assert!(nodes > 80 && edges > 140, "{nodes} nodes, {edges} edges");
    assert!(
        outcome.stdout.contains("<data key=\"label\">速卖通</data>")
            || outcome.stdout.contains("<data key=\"label\">AliExpress</data>")
    );
}

#[test]
fn cytoscape_json_has_elements_with_data() {
    let outcome =
        Test::new().args(["export", "--format", "cytoscape", "--path", "Jiang Fan", "1688overseas"]).run().success();
    let json = outcome.json();
    let nodes = json["elements"]["nodes"].as_array().unwrap();
    let edges = json["elements"]["edges"].as_array().unwrap();
    assert_eq!(edges.len() + 1, nodes.len(), "a path has one node more than edges");
    let ids: Vec<&str> = nodes.iter().map(|n| n["data"]["id"].as_str().unwrap()).collect();
    for edge in edges {
        assert!(ids.contains(&edge["data"]["source"].as_str().unwrap()));
        assert!(ids.contains(&edge["data"]["target"].as_str().unwrap()));
        assert!(edge["data"]["group"].is_string());
    }
    assert!(nodes.iter().any(|n| n["data"]["label"] == "Jiang Fan"));
}

#[test]
fn mermaid_flowchart_has_class_colours() {
    let outcome = Test::new().args(["export", "--format", "mermaid", "--around", "Choice"]).run().success();
    assert!(outcome.stdout.starts_with("flowchart LR\n"));
    assert!(outcome.stdout.contains("classDef c_sg_Program fill:#"), "{}", outcome.stdout);
    assert!(outcome.stdout.contains("-->|\""));
}

/// The node boxes of an SVG made by stratagraph: (x, y, width, height).
fn boxes(svg: &str) -> Vec<(f64, f64, f64, f64)> {
    svg.split("<g class=\"node\">")
        .skip(1)
        .map(|node| {
            let rect = &node[node.find("<rect ").unwrap()..];
            let attr = |name: &str| -> f64 {
                let start = rect.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
                rect[start..start + rect[start..].find('"').unwrap()].parse().unwrap()
            };
            (attr("x"), attr("y"), attr("width"), attr("height"))
        })
        .collect()
}

#[test]
fn svg_of_the_whole_article_graph_has_no_overlapping_labels() {
    let outcome = Test::new().args(["export", "--format", "svg", "--lang", "zh"]).run().success();
    assert_well_formed_xml(&outcome.stdout);
    assert!(outcome.stdout.contains(">速卖通</text>"), "Chinese labels are drawn");
    let boxes = boxes(&outcome.stdout);
    assert!(boxes.len() > 80, "{} nodes", boxes.len());
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let apart = a.0 + a.2 <= b.0 || b.0 + b.2 <= a.0 || a.1 + a.3 <= b.1 || b.1 + b.3 <= a.1;
            assert!(apart, "boxes overlap: {a:?} {b:?}");
        }
    }
}

#[test]
fn rdf_exports_round_trip_through_the_parser() {
    for (format, extension) in [("turtle", "ttl"), ("ntriples", "nt"), ("jsonld", "jsonld")] {
        let export = Test::new()
            .args(["export", "--format", format, "--via", "organization", "-o", &format!("out.{extension}")])
            .run()
            .success();
        let path = export.dir.join(format!("out.{extension}"));
        assert!(path.exists());
        let reference = Test::new().args(["export", "--format", "ntriples", "--via", "organization"]).run().success();
        let expected = reference.stdout.lines().filter(|l| !l.is_empty()).count();
        let store = export.dir.join("st");
        Test::new()
            .args(["--bare", "--store", store.to_str().unwrap(), "load", path.to_str().unwrap()])
            .run()
            .success();
        let ontology_quads = crate::util::count_quads(&["--bare"]);
        let total = crate::util::count_quads(&["--store", store.to_str().unwrap()]);
        assert_eq!(total - ontology_quads, expected, "{format} round trip keeps every triple");
    }
}

#[test]
fn construct_export_draws_the_constructed_graph() {
    Test::new()
        .file("q.rq", "CONSTRUCT { ?a sg:competesWith ?b } WHERE { ?a sg:competesWith ?b }")
        .args(["export", "--format", "dot", "--construct", "q.rq"])
        .run()
        .success()
        .stdout_has("label=\"competes with\"")
        .stdout_lacks("label=\"operates\"");
}

#[test]
fn failed_export_leaves_the_previous_file_untouched() {
    let outcome = Test::new()
        .file("graph.dot", "previous contents")
        .args(["export", "--format", "dot", "--around", "NoSuchEntity", "-o", "graph.dot"])
        .run()
        .code(2);
    assert_eq!(std::fs::read_to_string(outcome.dir.join("graph.dot")).unwrap(), "previous contents");
    let leftovers: Vec<_> = std::fs::read_dir(&outcome.dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files are left behind");
}

#[test]
fn export_to_a_missing_folder_is_a_clear_error() {
    Test::new().args(["export", "-o", "no/such/folder/graph.dot"]).run().code(3).stderr_has("cannot write");
}

#[test]
fn gen_is_deterministic_and_loads() {
    let a = Test::new().args(["gen", "--entities", "300", "--seed", "5"]).run().success();
    let b = Test::new().args(["gen", "--entities", "300", "--seed", "5"]).run().success();
    assert_eq!(a.stdout, b.stdout);
    assert!(a.stdout.contains("\"@zh ."));
    let facts = Test::new().args(["gen", "--entities", "200", "--format", "facts", "-o", "g.toml"]).run().success();
    let path = facts.dir.join("g.toml");
    Test::new().args(["check", path.to_str().unwrap()]).run().success().stdout_has("0 errors");
    let store = facts.dir.join("st");
    Test::new()
        .args(["--bare", "--store", store.to_str().unwrap(), "load", path.to_str().unwrap()])
        .run()
        .success()
        .stderr_has("200 entities");
}

/// The rectangles of a picture's boxes and edge labels, and its edges' segments, read back
/// from the SVG the binary wrote.
struct Picture {
    boxes: Vec<(f64, f64, f64, f64)>,
    labels: Vec<(f64, f64, f64, f64)>,
    segments: Vec<((f64, f64), (f64, f64))>,
    title: String,
}

fn picture(svg: &str) -> Picture {
    let document = assert_well_formed_xml(svg);
    let number = |node: roxmltree::Node<'_, '_>, name: &str| {
        node.attribute(name).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0)
    };
    let rect = |node: roxmltree::Node<'_, '_>| {
        (number(node, "x"), number(node, "y"), number(node, "width"), number(node, "height"))
    };
    let within = |class: &str| -> Vec<(f64, f64, f64, f64)> {
        document
            .descendants()
            .filter(|n| n.attribute("class") == Some(class))
            .filter_map(|g| g.children().find(|c| c.has_tag_name("rect")).map(rect))
            .collect()
    };
    let mut segments = Vec::new();
    for path in document.descendants().filter(|n| n.attribute("class") == Some("edge")) {
        let points: Vec<(f64, f64)> = path
            .attribute("d")
            .unwrap_or_default()
            .split(' ')
            .filter_map(|p| {
                let (x, y) = p.trim_start_matches(['M', 'L']).split_once(',')?;
                Some((x.parse().ok()?, y.parse().ok()?))
            })
            .collect();
        segments.extend(points.windows(2).map(|w| (w[0], w[1])));
    }
    let title =
        document.descendants().find(|n| n.has_tag_name("title")).and_then(|t| t.text()).unwrap_or_default().to_owned();
    Picture { boxes: within("node"), labels: within("edge-label"), segments, title }
}

/// Whether a segment runs inside a rectangle (touching its border at a port does not count).
fn enters(segment: ((f64, f64), (f64, f64)), r: (f64, f64, f64, f64)) -> bool {
    let ((ax, ay), (bx, by)) = segment;
    let (x0, x1, y0, y1) = (ax.min(bx), ax.max(bx), ay.min(by), ay.max(by));
    x1 > r.0 + 0.5 && x0 < r.0 + r.2 - 0.5 && y1 > r.1 + 0.5 && y0 < r.1 + r.3 - 0.5
}

fn overlap(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    a.0 < b.0 + b.2 - 0.5 && b.0 < a.0 + a.2 - 0.5 && a.1 < b.1 + b.3 - 0.5 && b.1 < a.1 + a.3 - 0.5
}

#[test]
fn pictures_of_the_article_route_edges_around_boxes_and_keep_labels_apart() {
    let views: &[&[&str]] = &[
        &["--around", "AliExpress", "--depth", "2"],
        &["--around", "AliExpress", "--depth", "2", "--lang", "zh", "--size", "16:9"],
        &["--around", "Choice"],
        &["--path", "Jiang Fan", "1688overseas", "--k", "5"],
        &[],
    ];
    for view in views {
        let mut args = vec!["export", "--format", "svg"];
        args.extend_from_slice(view);
        let out = Test::new().args(&args).run().success();
        let p = picture(&out.stdout);
        assert!(!p.segments.is_empty() && !p.labels.is_empty(), "{view:?}: edges with labels");
        let crossings = p.segments.iter().filter(|s| p.boxes.iter().any(|b| enters(**s, *b))).count();
        let mut label_overlaps = 0;
        for (i, a) in p.labels.iter().enumerate() {
            label_overlaps += p.labels[i + 1..].iter().filter(|b| overlap(*a, **b)).count();
            label_overlaps += p.boxes.iter().filter(|b| overlap(*a, **b)).count();
        }
        println!(
            "{view:?}: {} boxes, {} segments, {} labels; {crossings} segments through boxes, {label_overlaps} label overlaps",
            p.boxes.len(),
            p.segments.len(),
            p.labels.len()
        );
        assert_eq!(crossings, 0, "{view:?}: no edge crosses a box");
        assert_eq!(label_overlaps, 0, "{view:?}: labels overlap nothing");
    }
}

#[test]
fn pictures_get_a_title_from_the_selection_and_the_asked_shape() {
    let out = Test::new().args(["export", "--format", "svg", "--around", "Temu"]).run().success();
    assert_eq!(picture(&out.stdout).title, "Temu and everything within one hop");
    let out = Test::new().args(["export", "--format", "svg", "--around", "Temu", "--lang", "zh"]).run().success();
    assert_eq!(picture(&out.stdout).title, "Temu及其1跳以内的关系");
    let out = Test::new().args(["export", "--format", "svg", "--path", "Jiang Fan", "Choice"]).run().success();
    assert_eq!(picture(&out.stdout).title, "How Jiang Fan reaches Choice");
    let out = Test::new().args(["export", "--format", "svg", "--size", "1920x1080"]).run().success();
    assert!(out.stdout.contains("width=\"1920\" height=\"1080\""), "{}", &out.stdout[..300]);
    Test::new().args(["export", "--size", "wide"]).run().code(2).stderr_has("16:9");
}

#[test]
fn png_pictures_are_drawn_in_process() {
    let out = Test::new().args(["export", "--around", "Temu", "--size", "800x450", "-o", "temu.png"]).run().success();
    let png = std::fs::read(out.dir.join("temu.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let (width, height) =
        (u32::from_be_bytes(png[16..20].try_into().unwrap()), u32::from_be_bytes(png[20..24].try_into().unwrap()));
    assert_eq!((width, height), (1600, 900), "twice the asked size");
    // Chinese labels need a CJK font: drawn when there is one, else a clear error.
    let zh = Test::new().args(["export", "--format", "png", "--around", "Choice", "--lang", "zh"]).run();
    if zh.code == 3 && zh.stderr.contains("fonts-noto-cjk") {
        assert!(std::env::var_os("CI").is_none(), "CI must install a CJK font: {}", zh.stderr);
        eprintln!("skipped: no CJK font here ({})", zh.stderr.trim());
    } else {
        assert_eq!(zh.code, 0, "{}", zh.stderr);
        assert!(zh.stdout.starts_with("\u{fffd}PNG"), "PNG bytes on standard output");
    }
}

/// The README's picture is what the binary makes with the command the README gives.
#[test]
fn readme_picture_is_what_the_binary_makes() {
    let readme = std::fs::read_to_string(crate::util::repo().join("README.md")).unwrap();
    let line = readme.lines().find(|l| l.contains("-o docs/article-graph.svg")).expect("the README names its command");
    let command = line.split('`').nth(1).expect("the command in backquotes");
    let words: Vec<String> = {
        let mut words = Vec::new();
        let mut quoted = false;
        let mut word = String::new();
        for c in command.chars() {
            match c {
                '"' => quoted = !quoted,
                ' ' if !quoted => words.push(std::mem::take(&mut word)),
                c => word.push(c),
            }
        }
        words.push(word);
        words
    };
    assert_eq!(words[0], "stratagraph");
    let args: Vec<&str> = words[1..].iter().map(String::as_str).take_while(|w| *w != "-o").collect();
    let out = Test::new().args(&args).run().success();
    let path = crate::util::repo().join("docs/article-graph.svg");
    if std::env::var_os("STRATAGRAPH_BLESS").is_some() {
        std::fs::write(&path, &out.stdout).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap();
    assert!(committed == out.stdout, "docs/article-graph.svg is stale: run the test with STRATAGRAPH_BLESS=1");
}
