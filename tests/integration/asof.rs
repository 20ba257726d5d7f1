//! The graph as of a day (issue 15): `--as-of` on SPARQL, describe, the path commands,
//! reports and export reads only the facts in force that day, by the documented rule for
//! partial dates; `timeline` lists an entity's dated facts in order with their sources.

use crate::util::{select, Test};

fn rows_as_of(query: &str, day: &str, variables: &[&str]) -> Vec<Vec<String>> {
    let outcome = Test::new().args(["query", query, "--as-of", day, "--format", "json"]).run().success();
    outcome.rows(variables)
}

const HEADS: &str = "SELECT ?org WHERE { entity:jiang-fan org:headOf ?org } ORDER BY ?org";

#[test]
fn jiang_fans_roles_before_and_after_he_took_over_the_ecommerce_group() {
    let id = |name: &str| vec![format!("https://w3id.org/stratagraph/id/{name}")];
    // Before: he ran AliExpress (the role ended some day in 2024-11, so all of November counts).
    assert_eq!(rows_as_of(HEADS, "2024-06-30", &["org"]), vec![id("aliexpress")]);
    // From 2024-11-21 the e-commerce group; November is the month the AliExpress role ended.
    assert_eq!(rows_as_of(HEADS, "2024-11-25", &["org"]), vec![id("aliexpress"), id("ecommerce-group")]);
    assert_eq!(rows_as_of(HEADS, "2024-11-20", &["org"]), vec![id("aliexpress")]);
    // After: only the group.
    assert_eq!(rows_as_of(HEADS, "2025-01-01", &["org"]), vec![id("ecommerce-group")]);
    // Without --as-of the graph is whole.
    assert_eq!(select(HEADS, &["org"]), vec![id("aliexpress"), id("ecommerce-group")]);
}

#[test]
fn the_view_reaches_claims_figures_paths_of_fixed_length_and_exists() {
    // The claim nodes out of force are gone too: the dated claims about Jiang Fan on a day.
    let claims = "SELECT ?o WHERE { ?c a sg:Claim ; rdf:subject entity:jiang-fan ; rdf:predicate org:headOf ; rdf:object ?o } ORDER BY ?o";
    assert_eq!(
        rows_as_of(claims, "2025-01-01", &["o"]),
        vec![vec!["https://w3id.org/stratagraph/id/ecommerce-group".to_owned()]]
    );
    // Choice's share of AliExpress's orders holds from 2024 (2024年中起): not in 2023.
    let share = "SELECT ?v WHERE { ?n sg:observationOf entity:choice ; sg:metric entity:order-share ; sg:value ?v }";
    assert_eq!(rows_as_of(share, "2023-06-30", &["v"]), Vec::<Vec<String>>::new());
    assert_eq!(rows_as_of(share, "2024-06-30", &["v"]), vec![vec!["70".to_owned()]]);
    // A sequence path steps only on facts in force.
    let named = "SELECT ?name WHERE { entity:jiang-fan org:headOf/rdfs:label ?name FILTER(LANG(?name) = \"en\") }";
    assert_eq!(rows_as_of(named, "2024-06-30", &["name"]), vec![vec!["AliExpress".to_owned()]]);
    // Inside FILTER EXISTS as well.
    let exists = "SELECT ?p WHERE { VALUES ?p { entity:jiang-fan } FILTER EXISTS { ?p org:headOf entity:aliexpress } }";
    assert_eq!(rows_as_of(exists, "2025-01-01", &["p"]), Vec::<Vec<String>>::new());
    assert_eq!(rows_as_of(exists, "2024-01-01", &["p"]).len(), 1);
    // A constant triple out of force: ASK says no.
    Test::new()
        .args(["query", "ASK { entity:jiang-fan org:headOf entity:aliexpress }", "--as-of", "2025-01-01"])
        .run()
        .code(1)
        .stdout_has("false");
    // DESCRIBE's own reading of the store is filtered the same way.
    let described = Test::new()
        .args(["query", "DESCRIBE entity:jiang-fan", "--as-of", "2025-01-01", "--format", "ntriples"])
        .run()
        .success();
    assert!(
        !described.stdout.contains("<http://www.w3.org/ns/org#headOf> <https://w3id.org/stratagraph/id/aliexpress>"),
        "{}",
        described.stdout
    );
    assert!(
        described
            .stdout
            .contains("<http://www.w3.org/ns/org#headOf> <https://w3id.org/stratagraph/id/ecommerce-group>"),
        "{}",
        described.stdout
    );
}

#[test]
fn repeated_paths_walk_the_relations_in_force_and_what_cannot_be_walked_is_refused() {
    let id = |name: &str| vec![format!("https://w3id.org/stratagraph/id/{name}")];
    // A repeated step over facts that change in time walks the projection of the day.
    let heads = "SELECT ?x WHERE { entity:jiang-fan org:headOf+ ?x } ORDER BY ?x";
    assert_eq!(rows_as_of(heads, "2025-01-01", &["x"]), vec![id("ecommerce-group")]);
    assert_eq!(rows_as_of(heads, "2024-06-30", &["x"]), vec![id("aliexpress")]);
    // Backwards from a constant end, and zero steps count with `*`.
    let led = "SELECT ?who WHERE { ?who org:headOf* entity:aliexpress } ORDER BY ?who";
    assert_eq!(rows_as_of(led, "2024-06-30", &["who"]), vec![id("aliexpress"), id("jiang-fan")]);
    assert_eq!(rows_as_of(led, "2025-01-01", &["who"]), vec![id("aliexpress")]);
    // A repeated sequence cannot be walked step by step: refused, with a hint.
    Test::new()
        .args(["query", "SELECT ?x WHERE { entity:jiang-fan (org:headOf/sg:operates)+ ?x }", "--as-of", "2025-01-01"])
        .run()
        .code(2)
        .stderr_has("--as-of cannot restrict the repeated property path")
        .stderr_has("path --as-of");
    // A repeated path over facts that never change runs as written.
    Test::new()
        .args(["query", "SELECT ?x WHERE { entity:aidc rdfs:label+ ?x }", "--as-of", "2025-01-01"])
        .run()
        .success();
    Test::new()
        .args(["query", "--update", "INSERT DATA { entity:x rdfs:label \"x\" }", "--as-of", "2025-01-01"])
        .run()
        .code(2)
        .stderr_has("an update cannot run on that view");
    Test::new().args(["describe", "蒋凡", "--as-of", "2024-06"]).run().code(2).stderr_has("--as-of needs a day");
    Test::new()
        .args(["describe", "蒋凡", "--as-of", "2024-02-30"])
        .run()
        .code(2)
        .stderr_has("month 2 of 2024 has 29 days");
    Test::new()
        .args(["search", "Taobao", "--as-of", "2024-06-30"])
        .run()
        .code(2)
        .stderr_has("this command does not read it");
}

#[test]
fn describe_lists_only_the_facts_in_force_and_says_so() {
    let json =
        Test::new().args(["describe", "蒋凡", "--as-of", "2025-01-01", "--format", "json"]).run().success().json();
    assert_eq!(json["as_of"], "2025-01-01");
    let mut others: Vec<String> = json["relations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r["property_label"].as_str().unwrap(), r["other_label"].as_str().unwrap()))
        .collect();
    others.sort();
    assert_eq!(
        others,
        vec!["championed Choice", "championed One global inventory pool", "heads Alibaba E-commerce Business Group",]
    );
    Test::new()
        .args(["describe", "Jiang Fan", "--as-of", "2024-06-30"])
        .run()
        .success()
        .stdout_has("  as of: 2024-06-30 (only the facts in force then)")
        .stdout_has("—heads→ AliExpress  [until 2024-11]")
        .stdout_lacks("Alibaba E-commerce Business Group");
}

#[test]
fn path_commands_and_exports_read_the_projection_of_the_day() {
    // On 2024-06-30 Jiang Fan runs AliExpress: one hop. On 2025-01-01 that edge is gone.
    let before = Test::new()
        .args(["path", "Jiang Fan", "AliExpress", "--as-of", "2024-06-30", "--format", "json"])
        .run()
        .success()
        .json();
    assert_eq!(before["paths"][0]["length"], 1, "{before}");
    let after = Test::new()
        .args(["path", "Jiang Fan", "AliExpress", "--as-of", "2025-01-01", "--format", "json"])
        .run()
        .success()
        .json();
    assert!(after["paths"][0]["length"].as_u64().unwrap() > 1, "{after}");
    Test::new()
        .args(["neighbors", "Jiang Fan", "--as-of", "2024-06-30"])
        .run()
        .success()
        .stdout_has("—heads→ AliExpress")
        .stdout_lacks("Alibaba E-commerce Business Group");
    let dot =
        Test::new().args(["export", "--around", "Jiang Fan", "--depth", "1", "--as-of", "2025-01-01"]).run().success();
    assert!(!dot.stdout.contains("\"AliExpress\""), "{}", dot.stdout);
    // A report reads the view: person-role lists what the person holds that day.
    let report = Test::new()
        .args(["report", "run", "person-role", "--param", "person=蒋凡", "--as-of", "2025-01-01", "--format", "csv"])
        .run()
        .success();
    assert!(!report.stdout.contains("AliExpress,"), "{}", report.stdout);
    assert!(report.stdout.contains("Alibaba E-commerce Business Group"), "{}", report.stdout);
}

#[test]
fn timeline_lists_the_dated_facts_in_order_with_sources() {
    let outcome = Test::new().args(["timeline", "蒋凡"]).run().success();
    let lines: Vec<&str> = outcome.stdout.lines().filter(|l| l.starts_with("  2")).collect();
    assert_eq!(
        lines,
        vec![
            "  2024-11     ends    Jiang Fan —heads→ AliExpress",
            "  2024-11     ends    Jiang Fan —is a member of→ Alibaba International Digital Commerce Group",
            "  2024-11-21  starts  Jiang Fan —championed→ One global inventory pool",
            "  2024-11-21  starts  Jiang Fan —heads→ Alibaba E-commerce Business Group",
        ]
    );
    assert!(outcome.stdout.contains("“自去年11月21日蒋凡执掌电商事业群这盘棋开始”"), "{}", outcome.stdout);
    Test::new()
        .args(["timeline", "Jiang Fan", "--lang", "zh"])
        .run()
        .success()
        .stdout_has("蒋凡 —执掌→ 电商事业群")
        .stdout_has("结束");
    let json = Test::new().args(["timeline", "AliExpress", "--format", "json"]).run().success().json();
    let events = json["events"].as_array().unwrap();
    let dates: Vec<&str> = events.iter().map(|e| e["date"].as_str().unwrap()).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    // The strategy shifts of 2024-09 and 2025-03, with both names of each side.
    let launched = |date: &str, en: &str| {
        events.iter().any(|e| {
            e["date"] == date && e["event"] == "starts" && e["object"]["en"].as_str().is_some_and(|o| o.contains(en))
        })
    };
    assert!(launched("2024-09", "Dual-track model"), "{json}");
    assert!(launched("2025-03", "10-Billion Subsidy"), "{json}");
    assert!(events.iter().all(|e| e["source"].as_str().is_some_and(|s| s.ends_with("woshipm-6207665"))));
    // The share of orders from 2024 is a dated figure of Choice's timeline.
    let choice = Test::new().args(["timeline", "Choice", "--format", "json"]).run().success().json();
    assert!(
        choice["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["event"] == "figure" && e["value"] == "70" && e["date"] == "2024"),
        "{choice}"
    );
    // An entity with no dated facts: exit 1, said on stderr.
    Test::new().args(["timeline", "unitree"]).run().code(1).stderr_has("has no dated facts");
}

/// A fact file written for this test: dates at every precision, and one fact two sources
/// give, one of them undated.
const DATED: &str = r#"[[source]]
id = "t-src"
title = "Test source"
date = "2025-01-01"

[[source]]
id = "t-src-2"
title = "Second test source"
date = "2025-02-01"

[[entity]]
id = "t-unit"
class = "Organization"
en = "Test unit"
zh = "测试单位"

[[entity]]
id = "t-old-parent"
class = "Organization"
en = "Old parent"
zh = "旧母公司"

[[entity]]
id = "t-new-parent"
class = "Organization"
en = "New parent"
zh = "新母公司"

[[entity]]
id = "t-partner"
class = "Organization"
en = "Partner"
zh = "伙伴"

[[relation]]
subject = "t-unit"
property = "org:subOrganizationOf"
object = "t-old-parent"
end = "2024-03"
source = "t-src"
quote = "the unit left its old parent in March 2024"

[[relation]]
subject = "t-unit"
property = "org:subOrganizationOf"
object = "t-new-parent"
start = "2024-03-15"
end = "2024-06-01"
source = "t-src"
quote = "it sat under the new parent from 15 March to 1 June"

[[relation]]
subject = "t-unit"
property = "competesWith"
object = "t-partner"
start = "2023"
end = "2023"
source = "t-src"
quote = "the two competed in 2023"

[[relation]]
subject = "t-unit"
property = "competesWith"
object = "t-partner"
source = "t-src-2"
quote = "the unit competes with its partner"
"#;

#[test]
fn partial_dates_cover_their_period_and_an_undated_source_keeps_a_fact() {
    let test = Test::new().file("dated.toml", DATED);
    let loaded = test.args(["--store", "kb", "--bare", "load", "dated.toml"]).run().success();
    let store = loaded.dir.join("kb");
    let parents = |day: &str| -> Vec<Vec<String>> {
        Test::new()
            .args([
                "--store",
                store.to_str().unwrap(),
                "--read-only",
                "query",
                "SELECT ?p WHERE { entity:t-unit org:subOrganizationOf ?p } ORDER BY ?p",
                "--as-of",
                day,
                "--format",
                "json",
            ])
            .run()
            .success()
            .rows(&["p"])
            .into_iter()
            .map(|row| row.into_iter().map(|p| p.rsplit('/').next().unwrap().to_owned()).collect())
            .collect()
    };
    let one = |id: &str| vec![vec![id.to_owned()]];
    assert_eq!(parents("2024-03-01"), one("t-old-parent"));
    // An end given as a month covers the whole month; a start on a day starts that day.
    assert_eq!(parents("2024-03-31"), vec![vec!["t-new-parent".to_owned()], vec!["t-old-parent".to_owned()]]);
    assert_eq!(parents("2024-04-01"), one("t-new-parent"));
    // An end given as a day is the first day the fact no longer holds.
    assert_eq!(parents("2024-05-31"), one("t-new-parent"));
    assert_eq!(parents("2024-06-01"), Vec::<Vec<String>>::new());
    // Dated 2023 by one source, undated by another: the undated claim keeps it in force.
    let rivals = Test::new()
        .args([
            "--store",
            store.to_str().unwrap(),
            "--read-only",
            "query",
            "ASK { entity:t-unit sg:competesWith entity:t-partner }",
            "--as-of",
            "2025-06-01",
        ])
        .run()
        .success();
    assert!(rivals.stdout.contains("true"), "{}", rivals.stdout);
    // So does a repeated property path, by the same rule.
    let reach = |day: &str| -> String {
        Test::new()
            .args([
                "--store",
                store.to_str().unwrap(),
                "--read-only",
                "query",
                "SELECT ?p WHERE { entity:t-unit org:subOrganizationOf+ ?p } ORDER BY ?p",
                "--as-of",
                day,
                "--format",
                "csv",
            ])
            .run()
            .success()
            .stdout
            .replace("https://w3id.org/stratagraph/id/", "")
    };
    assert_eq!(reach("2024-03-31"), "p\r\nt-new-parent\r\nt-old-parent\r\n");
    assert_eq!(reach("2024-04-01"), "p\r\nt-new-parent\r\n");
    assert_eq!(reach("2024-06-01"), "p\r\n");
    // The path commands read the same view.
    let path = |day: &str| {
        Test::new()
            .args([
                "--store",
                store.to_str().unwrap(),
                "--read-only",
                "path",
                "Test unit",
                "Old parent",
                "--as-of",
                day,
            ])
            .run()
    };
    path("2024-03-31").success();
    path("2024-04-01").code(1);
}
