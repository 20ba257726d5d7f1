//! The project's SERVICEs inside SPARQL (issue 15): routes on the path projection and ranked
//! text hits, joined with graph patterns, with the expected rows written out.

use crate::util::Test;

fn csv(query: &str, extra: &[&str]) -> String {
    let mut args = vec!["query", query, "--format", "csv"];
    args.extend(extra);
    Test::new()
        .args(args)
        .run()
        .success()
        .stdout
        .replace("https://w3id.org/stratagraph/id/", "")
        .replace("https://w3id.org/stratagraph/ontology#", "sg:")
}

#[test]
fn platforms_within_three_supply_hops_of_1688_that_compete_with_temu_and_the_route() {
    let platforms = "SELECT DISTINCT ?platform ?length WHERE {
      SERVICE sgpath: { [] sgpath:source entity:alibaba-1688 ; sgpath:target ?platform ; sgpath:via \"supply\" ;
                           sgpath:maxLength 3 ; sgpath:length ?length }
      ?platform sg:competesWith|^sg:competesWith entity:temu .
    } ORDER BY ?platform";
    assert_eq!(csv(platforms, &[]), "platform,length\r\naliexpress,3\r\n");
    let route = "SELECT ?position ?s ?p ?o WHERE {
      SERVICE sgpath: { [] sgpath:source entity:alibaba-1688 ; sgpath:target entity:aliexpress ; sgpath:via \"supply\" ;
                           sgpath:position ?position ; sgpath:edgeSubject ?s ; sgpath:edgeProperty ?p ; sgpath:edgeObject ?o }
    } ORDER BY ?position";
    assert_eq!(
        csv(route, &[]),
        "position,s,p,o\r\n1,taobao,sg:sourcesFrom,alibaba-1688\r\n2,individual-sellers,sg:sellsOn,taobao\r\n3,individual-sellers,sg:sellsOn,aliexpress\r\n"
    );
}

#[test]
fn k_shortest_names_and_the_day() {
    let k = "SELECT ?route ?length WHERE { SERVICE sgpath: { [] sgpath:source \"Jiang Fan\" ; sgpath:target \"1688overseas\" ;
               sgpath:algorithm \"kShortest\" ; sgpath:k 3 ; sgpath:route ?route ; sgpath:length ?length } } ORDER BY ?route";
    assert_eq!(csv(k, &[]), "route,length\r\n1,2\r\n2,2\r\n3,3\r\n");
    // The SERVICE reads the projection as of the day.
    let heads = "SELECT ?length WHERE { SERVICE sgpath: { [] sgpath:source entity:jiang-fan ; sgpath:target entity:aliexpress ; sgpath:length ?length } }";
    assert_eq!(csv(heads, &["--as-of", "2024-06-30"]), "length\r\n1\r\n");
    assert_eq!(csv(heads, &["--as-of", "2025-01-01"]), "length\r\n2\r\n");
}

#[test]
fn text_hits_join_the_graph() {
    let query = "SELECT ?about ?score ?text WHERE {
      SERVICE sgtext: { [] sgtext:query \"托管\" ; sgtext:limit 20 ; sgtext:score ?score ; sgtext:text ?text ; sgtext:about ?about }
      ?about a sg:Program .
    } ORDER BY DESC(?score) ?text";
    assert_eq!(
        csv(query, &[]),
        "about,score,text\r\n\
         choice,4.266,Choice托管业务\r\n\
         choice,4.109,AliExpress's full-managed (托管) business line.\r\n\
         cross-border-worry-free-hosting,3.826,跨境无忧托管\r\n\
         choice,3.58,主打托管的Choice业务\r\n\
         cross-border-worry-free-hosting,3.469,“跨境无忧托管”服务\r\n\
         choice,2.364,2023年3月起，主打托管的Choice业务逐市场铺开\r\n"
    );
}

#[test]
fn a_service_that_cannot_run_says_why() {
    let run = |query: &str| Test::new().args(["query", query]).run();
    run("SELECT * WHERE { SERVICE sgpath: { [] sgpath:source ?x ; sgpath:target entity:temu } }")
        .code(2)
        .stderr_has("`source` cannot be bound")
        .stderr_has("takes a constant");
    run("SELECT * WHERE { SERVICE sgpath: { [] sgpath:sauce entity:temu } }")
        .code(2)
        .stderr_has("its inputs: source, target");
    run("SELECT * WHERE { SERVICE sgpath: { [] sgpath:source entity:temu ; sgpath:target entity:aliexpress ; sgpath:algorithm \"fastest\" } }")
        .code(2)
        .stderr_has("unknown algorithm `fastest`");
    run("SELECT * WHERE { SERVICE sgtext: { [] sgtext:hit ?h } }").code(2).stderr_has("needs a sgtext:query");
    // SILENT: no rows instead of the error.
    Test::new()
        .args(["query", "SELECT * WHERE { SERVICE SILENT sgpath: { [] sgpath:sauce entity:temu } }", "--format", "csv"])
        .run()
        .success();
}

#[test]
fn on_generated_data_the_path_service_agrees_with_the_path_command() {
    let generated = Test::new()
        .args(["gen", "--entities", "1500", "--seed", "3", "--format", "facts", "-o", "gen.toml", "-q"])
        .run()
        .success();
    let text = std::fs::read_to_string(generated.dir.join("gen.toml")).unwrap();
    let test = Test::new().file("gen.toml", &text);
    let ids: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("id = \"")?.strip_suffix('"'))
        .filter(|id| id.starts_with("gen-"))
        .collect();
    let loaded = test.args(["--store", "kb", "--bare", "load", "gen.toml", "-q"]).run().success();
    let store = loaded.dir.join("kb");
    let store = store.to_str().unwrap();
    let factories: Vec<&str> = ids.iter().copied().filter(|i| i.starts_with("gen-factory-")).take(4).collect();
    let platforms: Vec<&str> = ids.iter().copied().filter(|i| i.starts_with("gen-platform-")).take(2).collect();
    assert!(!factories.is_empty() && !platforms.is_empty());
    for from in &factories {
        for to in &platforms {
            let path = Test::new().args(["--store", store, "--read-only", "path", from, to, "--format", "json"]).run();
            let expected = if path.code == 0 { path.json()["paths"][0]["length"].as_u64() } else { None };
            let query = format!(
                "SELECT ?length WHERE {{ SERVICE sgpath: {{ [] sgpath:source entity:{from} ; sgpath:target entity:{to} ; sgpath:length ?length }} }}"
            );
            let rows = Test::new()
                .args(["--store", store, "--read-only", "query", &query, "--format", "json"])
                .run()
                .success()
                .rows(&["length"]);
            let got = rows.first().map(|r| r[0].parse::<u64>().unwrap());
            assert_eq!(got, expected, "{from} → {to}");
        }
    }
    // The text SERVICE finds a generated quote by its words in both languages.
    let quote =
        text.lines().find_map(|l| l.strip_prefix("quote = \"synthetic fact 7: ")).unwrap().trim_end_matches('"');
    let english = quote.split(" and ").next().unwrap();
    let query = format!("SELECT ?text WHERE {{ SERVICE sgtext: {{ [] sgtext:query \"{english}\" ; sgtext:limit 5 ; sgtext:text ?text }} }}");
    let rows = Test::new()
        .args(["--store", store, "--read-only", "query", &query, "--format", "json"])
        .run()
        .success()
        .rows(&["text"]);
    assert!(rows.iter().any(|r| r[0].contains(english)), "{english}: {rows:?}");
}
