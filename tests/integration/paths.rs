//! The path commands on the built-in data: `path` (sentence, --lang, --evidence, JSON,
//! --k, --all, --directed, --via, --avoid, no path, unknown names), `neighbors`, `reach`,
//! `common`, `central`, and a property test of `path` against SPARQL property paths.

use crate::util::{entity, select, Outcome, Test};
use serde_json::Value;

/// The two shortest (2-hop) connections of Jiang Fan to 1688overseas in the article.
const JIANG_FAN_TO_1688: [&str; 2] =
    ["Jiang Fan —heads→ AliExpress —launched→ 1688overseas", "Jiang Fan —championed→ Choice ←supplies— 1688overseas"];

fn run(args: &[&str]) -> Outcome {
    Test::new().args(args).run()
}

fn json(args: &[&str]) -> Value {
    run(args).success().json()
}

fn iri(node: &Value) -> &str {
    node["iri"].as_str().expect("an iri")
}

/// Asserts a JSON path is well formed: edges join consecutive nodes, in their direction.
#[track_caller]
fn assert_chain(path: &Value) {
    let nodes = path["nodes"].as_array().expect("nodes");
    let edges = path["edges"].as_array().expect("edges");
    assert_eq!(nodes.len(), edges.len() + 1, "{path}");
    assert_eq!(path["length"].as_u64(), Some(edges.len() as u64));
    for (i, edge) in edges.iter().enumerate() {
        let (from, to) = (iri(&nodes[i]), iri(&nodes[i + 1]));
        match edge["direction"].as_str() {
            Some("forward") => {
                assert_eq!((edge["subject"].as_str(), edge["object"].as_str()), (Some(from), Some(to)), "{edge}")
            }
            Some("backward") => {
                assert_eq!((edge["subject"].as_str(), edge["object"].as_str()), (Some(to), Some(from)), "{edge}")
            }
            other => panic!("bad direction {other:?} in {edge}"),
        }
        assert!(edge["property"].as_str().is_some_and(|p| p.starts_with("http")), "{edge}");
    }
}

/// The node IRIs and properties of a JSON path, to compare paths.
fn signature(path: &Value) -> Vec<String> {
    let mut out: Vec<String> = path["nodes"].as_array().expect("nodes").iter().map(|n| iri(n).to_owned()).collect();
    out.extend(
        path["edges"].as_array().expect("edges").iter().map(|e| e["property"].as_str().unwrap_or("").to_owned()),
    );
    out
}

#[test]
fn path_is_a_sentence_with_forward_arrows() {
    let out = run(&["path", "Jiang Fan", "1688overseas"]).success();
    assert!(JIANG_FAN_TO_1688.contains(&out.stdout.trim()), "{}", out.stdout);
}

#[test]
fn path_backwards_shows_reversed_arrows() {
    let out = run(&["path", "1688overseas", "Jiang Fan"]).success();
    let sentence = out.stdout.trim();
    assert!(
        sentence == "1688overseas ←launched— AliExpress ←heads— Jiang Fan"
            || sentence == "1688overseas —supplies→ Choice ←championed— Jiang Fan",
        "{sentence}"
    );
}

#[test]
fn path_lang_zh_uses_chinese_labels() {
    let out = run(&["path", "--lang", "zh", "Jiang Fan", "1688overseas"]).success();
    let sentence = out.stdout.trim();
    assert!(
        sentence == "蒋凡 —执掌→ 速卖通 —推出→ 1688overseas" || sentence == "蒋凡 —力推→ Choice ←供货给— 1688overseas",
        "{sentence}"
    );
}

#[test]
fn path_evidence_prints_quote_and_source_for_each_edge() {
    let out = run(&["path", "--evidence", "Jiang Fan", "1688overseas"]).success();
    let quotes: Vec<&str> = out.stdout.lines().map(str::trim).filter(|l| l.starts_with('“')).collect();
    assert_eq!(quotes.len(), 2, "{}", out.stdout);
    let known = [
        "“只是其曾执掌的速卖通距离打通国内的供应链”",
        "“而日前正式上线的1688overseas业务”",
        "“力排众议发展Choice托管业务”",
        "“其模式是由国内工厂直接向速卖通Choice供货”",
    ];
    assert!(quotes.iter().all(|q| known.contains(q)), "{quotes:?}");
    assert_eq!(out.stdout.matches("— 淘宝火了，关速卖通什么事？, 2025-04-21").count(), 2);
}

#[test]
fn path_json_has_nodes_and_edges_with_directions() {
    let json = json(&["path", "--format", "json", "1688overseas", "Jiang Fan"]);
    assert_eq!(json["from"]["iri"], entity("1688overseas"));
    assert_eq!(json["to"]["iri"], entity("jiang-fan"));
    assert_eq!(json["to"]["zh"], "蒋凡");
    let path = &json["paths"][0];
    assert_chain(path);
    assert_eq!(path["length"], 2);
    let directions: Vec<&str> =
        path["edges"].as_array().expect("edges").iter().filter_map(|e| e["direction"].as_str()).collect();
    assert!(directions.contains(&"backward"), "{directions:?}");
}

#[test]
fn path_json_evidence_carries_quotes() {
    let json = json(&["path", "--format", "json", "--evidence", "Jiang Fan", "1688overseas"]);
    for edge in json["paths"][0]["edges"].as_array().expect("edges") {
        assert!(edge["evidence"][0]["quote"].as_str().is_some_and(|q| !q.is_empty()), "{edge}");
        assert_eq!(edge["evidence"][0]["source"], entity("woshipm-6207665"));
    }
}

#[test]
fn path_k_3_numbers_three_paths_of_non_decreasing_length() {
    let out = run(&["path", "--k", "3", "Jiang Fan", "1688overseas"]).success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    let mut lengths = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let rest = line.strip_prefix(&format!("{}. (", i + 1)).unwrap_or_else(|| panic!("not numbered: {line}"));
        lengths.push(rest.split(' ').next().and_then(|n| n.parse::<usize>().ok()).expect("hop count"));
        assert!(line.contains("Jiang Fan") && line.ends_with("1688overseas"), "{line}");
    }
    assert_eq!(lengths, [2, 2, 3]);
    let mut distinct = lines.iter().map(|l| l.split_once(") ").map(|(_, s)| s)).collect::<Vec<_>>();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 3, "paths repeat:\n{}", out.stdout);
}

#[test]
fn path_k_0_is_refused() {
    run(&["path", "--k", "0", "aidc", "taobao"]).code(2).stderr_has("--k must be at least 1");
}

#[test]
fn path_all_max_len_3_lists_every_simple_path_up_to_3_hops() {
    let all = json(&["path", "--format", "json", "--all", "--max-len", "3", "Jiang Fan", "1688overseas"]);
    let all_paths = all["paths"].as_array().expect("paths");
    assert!(all["stopped"].is_null());
    for path in all_paths {
        assert_chain(path);
        assert!(path["length"].as_u64().is_some_and(|l| l <= 3), "{path}");
        let mut nodes: Vec<&str> = path["nodes"].as_array().expect("nodes").iter().map(iri).collect();
        nodes.sort_unstable();
        let count = nodes.len();
        nodes.dedup();
        assert_eq!(nodes.len(), count, "not a simple path: {path}");
    }
    // Yen's k shortest paths, cut at 3 hops, must be the very same set.
    let k = json(&["path", "--format", "json", "--k", "30", "Jiang Fan", "1688overseas"]);
    let mut from_k: Vec<Vec<String>> = k["paths"]
        .as_array()
        .expect("paths")
        .iter()
        .filter(|p| p["length"].as_u64() <= Some(3))
        .map(signature)
        .collect();
    let mut from_all: Vec<Vec<String>> = all_paths.iter().map(signature).collect();
    from_k.sort();
    from_all.sort();
    // Routes are told apart by the entities they pass: AIDC–AliExpress and
    // AliExpress–Choice are each joined by two relations, shown together on one hop.
    assert_eq!(from_all.len(), 6, "the article gives 2 two-hop and 4 three-hop routes");
    assert_eq!(from_all, from_k);
}

#[test]
fn path_all_with_a_long_max_len_needs_a_limit() {
    run(&["path", "--all", "--max-len", "10", "Jiang Fan", "1688overseas"])
        .code(2)
        .stderr_has("--max-len 10")
        .stderr_has("--limit");
}

#[test]
fn path_all_stops_at_the_limit_and_says_so() {
    let json =
        json(&["path", "--format", "json", "--all", "--max-len", "7", "--limit", "5", "Jiang Fan", "1688overseas"]);
    assert_eq!(json["paths"].as_array().map(Vec::len), Some(5));
    assert!(json["stopped"].as_str().is_some_and(|s| s.contains("--limit 5")), "{json}");
}

#[test]
fn path_directed_follows_edges_forward_only() {
    let json = json(&["path", "--format", "json", "--directed", "Jiang Fan", "1688overseas"]);
    let path = &json["paths"][0];
    assert_chain(path);
    assert!(path["edges"].as_array().expect("edges").iter().all(|e| e["direction"] == "forward"), "{path}");
    run(&["path", "--directed", "1688overseas", "Jiang Fan"]).code(1).stderr_has("with these restrictions");
}

#[test]
fn path_via_supply_uses_supply_relations_only() {
    let json = json(&["path", "--format", "json", "--via", "supply", "1688overseas", "full-managed-merchants"]);
    let path = &json["paths"][0];
    assert_chain(path);
    assert!(path["edges"].as_array().expect("edges").iter().all(|e| e["group"] == "supply"), "{path}");
    assert_eq!(iri(&path["nodes"][1]), entity("choice"));
}

#[test]
fn path_via_organization_takes_the_longer_way() {
    let direct = json(&["path", "--format", "json", "Taotian Overseas", "AliExpress"]);
    assert_eq!(direct["paths"][0]["length"], 1, "Taotian Overseas complements AliExpress");
    let json = json(&["path", "--format", "json", "--via", "organization", "Taotian Overseas", "AliExpress"]);
    let path = &json["paths"][0];
    assert_chain(path);
    assert_eq!(path["length"], 2);
    assert_eq!(iri(&path["nodes"][1]), entity("aidc"));
    assert!(path["edges"].as_array().expect("edges").iter().all(|e| e["group"] == "organization"));
}

#[test]
fn path_via_a_property_name() {
    let json = json(&["path", "--format", "json", "--via", "supplies", "1688overseas", "full-managed-merchants"]);
    assert!(json["paths"][0]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .all(|e| e["property"] == "https://w3id.org/stratagraph/ontology#supplies"));
}

#[test]
fn path_via_unknown_group_is_refused() {
    run(&["path", "--via", "bogus", "aidc", "taobao"])
        .code(2)
        .stderr_has("`bogus` is neither a relation group nor a property")
        .stderr_has("supply");
}

#[test]
fn path_avoid_routes_around_an_entity() {
    let json = json(&["path", "--format", "json", "--avoid", "AliExpress", "Jiang Fan", "1688overseas"]);
    let path = &json["paths"][0];
    assert_chain(path);
    assert!(path["nodes"].as_array().expect("nodes").iter().all(|n| iri(n) != entity("aliexpress")), "{path}");
    let out = run(&["path", "--avoid", "AliExpress", "Jiang Fan", "1688overseas"]).success();
    assert_eq!(out.stdout.trim(), JIANG_FAN_TO_1688[1]);
}

#[test]
fn no_path_exits_1() {
    run(&["path", "--via", "organization", "Jiang Fan", "1688overseas"])
        .code(1)
        .stderr_has("no path from Jiang Fan to 1688overseas with these restrictions");
    run(&["path", "chart-rank", "aidc"]).code(1).stderr_has("no path from Chart rank to").stdout_lacks("Chart");
}

#[test]
fn json_mode_prints_an_empty_answer_when_nothing_is_found() {
    let out = run(&["path", "chart-rank", "aidc", "--format", "json"]).code(1);
    let json = out.json();
    assert_eq!(json["paths"], serde_json::json!([]), "{json}");
    assert_eq!(json["from"]["iri"], entity("chart-rank"));
    let out = run(&["common", "chart-rank", "aidc", "--format", "json"]).code(1);
    let json = out.json();
    assert_eq!((json["ancestors"].clone(), json["neighbors"].clone()), (serde_json::json!([]), serde_json::json!([])));
    for args in [["search", "zzzqqq"], ["reach", "chart-rank"], ["neighbors", "chart-rank"]] {
        let out = run(&[args[0], args[1], "--format", "json"]).code(1);
        let _ = out.json();
    }
}

#[test]
fn path_to_itself_is_a_zero_length_path() {
    let out = run(&["path", "aidc", "AIDC"]).success();
    assert_eq!(out.stdout.trim(), "Alibaba International Digital Commerce Group");
}

#[test]
fn regression_path_from_an_isolated_entity_to_itself_is_a_zero_length_path() {
    // `chart-rank` takes part in no relation; an entity is still connected to itself, as it
    // is for `path aidc aidc`, and as SPARQL's `<a> p* <a>` says.
    let out = run(&["path", "chart-rank", "chart-rank"]).success();
    assert_eq!(out.stdout.trim(), "Chart rank");
}

#[test]
fn path_unknown_entity_exits_2() {
    run(&["path", "aidc", "nosuch-entity"]).code(2).stderr_has("unknown entity `nosuch-entity`");
}

#[test]
fn neighbors_lists_depth_1_grouped_by_relation() {
    let out = run(&["neighbors", "AIDC", "--depth", "1"]).success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], "Alibaba International Digital Commerce Group");
    let organization = lines.iter().position(|l| *l == "  Organization").expect("Organization heading");
    let people = lines.iter().position(|l| *l == "  People").expect("People heading");
    assert!(organization < people);
    let under_organization = &lines[organization + 1..people];
    assert!(under_organization.contains(&"    [1] —is part of→ Alibaba Group"), "{}", out.stdout);
    assert!(under_organization.contains(&"    [1] ←is part of— Taotian Overseas"), "{}", out.stdout);
    // Every relation to a neighbour is listed, not just the first one found.
    assert!(under_organization.contains(&"    [1] —operates→ AliExpress"), "{}", out.stdout);
    assert!(under_organization.contains(&"    [1] ←is part of— AliExpress"), "{}", out.stdout);
    assert_eq!(&lines[people + 1..], ["    [1] ←is a member of— Jiang Fan  [until 2024-11]"]);
    assert_eq!(out.stdout.matches("[1]").count(), 5, "AIDC has four neighbours, five relations:\n{}", out.stdout);
    assert!(!out.stdout.contains("[2]"));
}

#[test]
fn neighbors_lists_every_relation_to_a_neighbour_with_dates() {
    let out = run(&["neighbors", "Temu"]).success();
    let temu_aliexpress: Vec<&str> = out.stdout.lines().filter(|l| l.contains("AliExpress")).collect();
    assert_eq!(
        temu_aliexpress,
        [
            "    [1] —competes with→ AliExpress  [since 2025-03]",
            "    [1] —outperformed→ AliExpress  [since 2025-04]",
            "    [1] ←competes with— AliExpress",
        ],
        "{}",
        out.stdout
    );
    let json = json(&["neighbors", "--format", "json", "Temu"]);
    let aliexpress = json.as_array().unwrap().iter().find(|r| r["node"]["iri"] == entity("aliexpress")).unwrap();
    let relations = aliexpress["relations"].as_array().expect("relations");
    assert_eq!(relations.len(), 3, "{aliexpress}");
    assert!(relations.iter().any(|r| r["property_label"] == "outperformed" && r["start"] == "2025-04"), "{aliexpress}");
}

#[test]
fn k_routes_differ_in_the_entities_they_pass_and_parallel_relations_share_a_hop() {
    let out = run(&["path", "Temu", "AliExpress", "--k", "3"]).success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    assert_eq!(lines[0], "1. (1 hop) Temu —outperformed→ | —competes with→ | ←competes with— AliExpress");
    assert!(lines[1..].iter().all(|l| l.contains("(2 hops)")), "{}", out.stdout);
    let json = json(&["path", "--format", "json", "--k", "5", "Temu", "AliExpress"]);
    let routes: Vec<Vec<&str>> = json["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["nodes"].as_array().unwrap().iter().map(iri).collect())
        .collect();
    let distinct: std::collections::HashSet<&Vec<&str>> = routes.iter().collect();
    assert_eq!(distinct.len(), routes.len(), "no route twice: {routes:?}");
    assert_eq!(json["paths"][0]["edges"][0]["parallel"].as_array().map(Vec::len), Some(2));
}

#[test]
fn neighbors_depth_2_says_through_whom() {
    run(&["neighbors", "AIDC", "--depth", "2", "--via", "organization"])
        .success()
        .stdout_has("[2] —operates→ Stone Store  (via AliExpress)")
        .stdout_has("[2] ←is part of— Taobao  (via Alibaba Group)")
        .stdout_lacks("Jiang Fan");
}

#[test]
fn neighbors_json_has_depth_and_edge() {
    let json = json(&["neighbors", "--format", "json", "AIDC"]);
    let rows = json.as_array().expect("rows");
    let jiang = rows.iter().find(|r| r["node"]["iri"] == entity("jiang-fan")).expect("Jiang Fan");
    assert_eq!(jiang["depth"], 1);
    assert_eq!(jiang["via"]["property"], "https://w3id.org/stratagraph/ontology#memberOf");
    assert_eq!(jiang["via"]["direction"], "backward");
    assert_eq!(jiang["from"], entity("aidc"));
}

#[test]
fn reach_downstream_of_1688overseas_via_supply_is_choice() {
    let out = run(&["reach", "1688overseas", "--via", "supply"]).success();
    assert_eq!(
        out.stdout.lines().collect::<Vec<_>>(),
        ["downstream of 1688overseas", "  tier 1", "    Choice   (1688overseas —supplies→ Choice)"]
    );
}

#[test]
fn reach_upstream_of_choice_via_supply_lists_its_suppliers_first() {
    let json = json(&["reach", "choice", "--direction", "upstream", "--via", "supply", "--format", "json"]);
    let tiers = json.as_array().expect("tiers");
    assert_eq!(tiers[0]["tier"], 1);
    let mut first: Vec<&str> =
        tiers[0]["entities"].as_array().expect("entities").iter().map(|e| iri(&e["node"])).collect();
    first.sort_unstable();
    assert_eq!(first, [entity("1688overseas"), entity("factories-traders-1688"), entity("full-managed-merchants")]);
    assert!(tiers.iter().skip(1).all(|t| t["entities"].as_array().is_some_and(|e| !e.is_empty())));
}

#[test]
fn reach_downstream_unrestricted_goes_further() {
    let out = run(&["reach", "1688overseas"]).success();
    let tier2 = out.stdout.find("  tier 2").expect("tier 2");
    let tier3 = out.stdout.find("  tier 3").expect("tier 3");
    let second = &out.stdout[tier2..tier3];
    assert!(second.contains("AliExpress   (Choice —runs on→ AliExpress)"), "{second}");
}

#[test]
fn reach_with_nothing_downstream_exits_1() {
    run(&["reach", "alibaba", "--via", "supply"]).code(1).stderr_has("nothing is downstream of Alibaba Group");
}

#[test]
fn common_names_aidc_for_taotian_overseas_and_aliexpress() {
    run(&["common", "Taotian Overseas", "AliExpress", "--via", "organization"])
        .success()
        .stdout_has("nearest shared ancestors")
        .stdout_has(
            "Alibaba International Digital Commerce Group   (1 up from Taotian Overseas, 1 up from AliExpress)",
        );
    let json = json(&["common", "Taotian Overseas", "AliExpress", "--via", "organization", "--format", "json"]);
    assert_eq!(json["ancestors"][0]["node"]["iri"], entity("aidc"));
    assert_eq!(json["ancestors"][0]["distance_from_a"], 1);
    assert_eq!(json["ancestors"][0]["distance_from_b"], 1);
    assert_eq!(json["ancestors"].as_array().map(Vec::len), Some(1));
}

#[test]
fn common_with_nothing_shared_exits_1() {
    run(&["common", "chart-rank", "aidc"]).code(1).stderr_has("share no ancestor or neighbour");
}

#[test]
fn central_top_5_table() {
    let out = run(&["central", "--top", "5"]).success();
    let rows: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with("│")).collect();
    assert_eq!(rows.len(), 6, "header and five rows:\n{}", out.stdout);
    for word in ["#", "entity", "degree", "betweenness"] {
        assert!(rows[0].contains(word), "{}", rows[0]);
    }
    assert!(rows[1].contains("│ 1 ") && rows[1].contains("AliExpress") && rows[1].contains(" 54 "), "{}", rows[1]);
    assert!(rows[5].contains("│ 5 "), "{}", rows[5]);
}

#[test]
fn central_json_is_ranked_by_betweenness() {
    let json = json(&["central", "--top", "5", "--format", "json"]);
    let rows = json.as_array().expect("rows");
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0]["node"]["iri"], entity("aliexpress"));
    let ranks: Vec<u64> = rows.iter().filter_map(|r| r["rank"].as_u64()).collect();
    assert_eq!(ranks, [1, 2, 3, 4, 5]);
    let betweenness: Vec<f64> = rows.iter().map(|r| r["betweenness"].as_f64().expect("betweenness")).collect();
    assert!(betweenness.windows(2).all(|w| w[0] >= w[1]), "{betweenness:?}");
    assert!(betweenness.iter().all(|b| (0.0..=1.0).contains(b)), "{betweenness:?}");
}

#[test]
fn central_degree_matches_sparql() {
    let json = json(&["central", "--top", "5", "--by", "degree", "--format", "json"]);
    let rows = json.as_array().expect("rows");
    let degrees: Vec<u64> = rows.iter().map(|r| r["degree"].as_u64().expect("degree")).collect();
    assert!(degrees.windows(2).all(|w| w[0] >= w[1]), "{degrees:?}");
    for row in rows.iter().take(3) {
        let node = iri(&row["node"]);
        let counted = select(
            &format!("SELECT (COUNT(*) AS ?n) WHERE {{ {{ <{node}> ?p ?o . ?p sg:inGroup ?g FILTER(isIRI(?o)) }} UNION {{ ?s ?p <{node}> . ?p sg:inGroup ?g }} }}"),
            &["n"],
        );
        assert_eq!(counted[0][0], row["degree"].to_string(), "degree of {node}");
    }
}

/// ASK through the CLI: exit 0 is true, 1 false.
fn ask(query: &str) -> bool {
    let out = run(&["query", query]);
    match out.code {
        0 => true,
        1 => false,
        _ => panic!("ASK failed: {query}\n{}", out.stderr),
    }
}

#[test]
fn path_exists_exactly_when_a_sparql_property_path_connects_30_sampled_pairs() {
    let entities: Vec<String> = select("SELECT DISTINCT ?e WHERE { ?e skos:prefLabel ?l } ORDER BY ?e", &["e"])
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    let properties: Vec<String> = select("SELECT DISTINCT ?p WHERE { ?p sg:inGroup ?g } ORDER BY ?p", &["p"])
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert!(
        entities.len() > 60 && properties.len() > 10,
        "{} entities, {} properties",
        entities.len(),
        properties.len()
    );
    let step = format!("({})", properties.iter().map(|p| format!("<{p}>|^<{p}>")).collect::<Vec<_>>().join("|"));
    let n = entities.len();
    let (mut connected_pairs, mut separate_pairs) = (0, 0);
    for i in 0..30 {
        let (a, b) = (entities[(7 * i) % n].as_str(), entities[(7 * i + 50) % n].as_str());
        let connected = ask(&format!("ASK {{ <{a}> {step}* <{b}> }}"));
        let out = run(&["path", "--format", "json", a, b]);
        assert_eq!(
            out.code == 0,
            connected,
            "path {a} {b} exited {} but SPARQL says connected = {connected}\n{}",
            out.code,
            out.stderr
        );
        if !connected {
            assert_eq!(out.code, 1, "{}", out.stderr);
            separate_pairs += 1;
            continue;
        }
        connected_pairs += 1;
        let json = out.json();
        let path = &json["paths"][0];
        assert_chain(path);
        assert_eq!(iri(&path["nodes"][0]), a);
        assert_eq!(path["nodes"].as_array().and_then(|n| n.last()).map(iri), Some(b));
        let edges = path["edges"].as_array().expect("edges");
        let mut triples = String::new();
        for edge in edges {
            let property = edge["property"].as_str().expect("property");
            assert!(properties.iter().any(|p| p.as_str() == property), "{property} is not an entity relation");
            triples.push_str(&format!(
                "<{}> <{property}> <{}> . ",
                edge["subject"].as_str().expect("s"),
                edge["object"].as_str().expect("o")
            ));
        }
        assert!(ask(&format!("ASK {{ {triples} }}")), "path {a} {b} uses edges that are not triples: {triples}");
        // Shortest: no walk of fewer hops joins a and b.
        let length = edges.len();
        if length > 1 {
            let shorter: Vec<String> = (1..length)
                .map(|hops| {
                    let mut chain = String::new();
                    for hop in 0..hops {
                        let from = if hop == 0 { format!("<{a}>") } else { format!("?x{hop}") };
                        let to = if hop + 1 == hops { format!("<{b}>") } else { format!("?x{}", hop + 1) };
                        chain.push_str(&format!("{from} {step} {to} . "));
                    }
                    format!("{{ {chain} }}")
                })
                .collect();
            assert!(
                !ask(&format!("ASK {{ {} }}", shorter.join(" UNION "))),
                "path {a} {b} of {length} hops is not the shortest"
            );
        }
    }
    assert!(
        connected_pairs >= 5 && separate_pairs >= 5,
        "the sample should mix both: {connected_pairs} connected, {separate_pairs} separate"
    );
}

#[test]
fn every_graph_search_honours_the_timeout() {
    // A microsecond runs out before the first step of any search: each command must stop
    // in its search loop and say so with exit 4, not answer from a partial search.
    let searches: &[&[&str]] = &[
        &["path", "Jiang Fan", "1688overseas"],
        &["path", "Jiang Fan", "1688overseas", "--k", "5"],
        &["path", "Jiang Fan", "1688overseas", "--all", "--max-len", "4"],
        &["neighbors", "AliExpress", "--depth", "3"],
        &["reach", "Choice", "--direction", "upstream"],
        &["central"],
        &["export", "--around", "AliExpress", "--depth", "2"],
    ];
    for search in searches {
        let mut args = search.to_vec();
        args.extend(["--timeout", "0.000001"]);
        let out = run(&args).code(4);
        assert!(out.stderr.contains("timeout"), "{search:?}: {}", out.stderr);
    }
}
