//! The built-in article (woshipm 6207665, “淘宝火了，关速卖通什么事？”) read as a reader would:
//! each test asks one question about Taobao's surge abroad or AliExpress's strategy and answers it
//! through the real CLI (SPARQL, `describe`, `path`, `check`), asserting the exact values the
//! article gives.

use crate::util::{self, entity, select, Test};

const ID: &str = "https://w3id.org/stratagraph/id/";
const SG: &str = "https://w3id.org/stratagraph/ontology#";

/// Shortens entity and vocabulary IRIs (`…/id/aliexpress` → `aliexpress`,
/// `…/ontology#launched` → `sg:launched`) so expectations read like the fact file.
fn short(value: &str) -> String {
    const PREFIXES: [(&str, &str); 4] = [
        (SG, "sg:"),
        ("https://schema.org/", "schema:"),
        ("http://www.w3.org/ns/org#", "org:"),
        ("http://www.w3.org/ns/prov#", "prov:"),
    ];
    if let Some(id) = value.strip_prefix(ID) {
        return id.to_owned();
    }
    for (namespace, prefix) in PREFIXES {
        if let Some(name) = value.strip_prefix(namespace) {
            return format!("{prefix}{name}");
        }
    }
    value.to_owned()
}

/// Runs a SELECT on the built-in data; rows of the given variables, IRIs shortened.
#[track_caller]
fn table(query: &str, variables: &[&str]) -> Vec<Vec<String>> {
    select(query, variables).into_iter().map(|row| row.iter().map(|value| short(value)).collect()).collect()
}

/// Runs a SELECT on the built-in data; the values of one variable, IRIs shortened.
#[track_caller]
fn column(query: &str, variable: &str) -> Vec<String> {
    table(query, &[variable]).into_iter().map(|mut row| row.remove(0)).collect()
}

/// Runs an ASK on the built-in data. A false answer exits 1 (no result), a true one 0.
#[track_caller]
fn ask(query: &str) -> bool {
    let outcome = Test::new().args(["query", "--format", "json", query]).run();
    let answer = outcome.json()["boolean"]
        .as_bool()
        .unwrap_or_else(|| panic!("not an ASK result:\n{}\n{}", outcome.stdout, outcome.stderr));
    assert_eq!(outcome.code, if answer { 0 } else { 1 }, "ASK exit code\n{}", outcome.stderr);
    answer
}

/// `describe ENTITY --format json` on the built-in data.
#[track_caller]
fn describe(entity_name: &str) -> serde_json::Value {
    Test::new().args(["describe", entity_name, "--format", "json"]).run().success().json()
}

/// A path's node ids, and its edges as (property, direction).
type PathIds = (Vec<String>, Vec<(String, String)>);

/// `path FROM TO [EXTRA...] --format json` on the built-in data: each path as its node ids and
/// its edges as (property, direction).
#[track_caller]
fn paths(from: &str, to: &str, extra: &[&str]) -> Vec<PathIds> {
    let json = Test::new().args(["path", from, to]).args(extra).args(["--format", "json"]).run().success().json();
    json["paths"]
        .as_array()
        .unwrap_or_else(|| panic!("no paths in {json}"))
        .iter()
        .map(|path| {
            let nodes: Vec<String> = path["nodes"]
                .as_array()
                .expect("nodes")
                .iter()
                .map(|node| short(node["iri"].as_str().expect("node iri")))
                .collect();
            let edges: Vec<(String, String)> = path["edges"]
                .as_array()
                .expect("edges")
                .iter()
                .map(|edge| {
                    (
                        short(edge["property"].as_str().expect("edge property")),
                        edge["direction"].as_str().expect("edge direction").to_owned(),
                    )
                })
                .collect();
            (nodes, edges)
        })
        .collect()
}

/// Parses the number written just before `label` in a `check` summary line.
#[track_caller]
fn count_before(summary: &str, label: &str) -> usize {
    let at = summary.find(label).unwrap_or_else(|| panic!("{label:?} not in {summary:?}"));
    let mut digits: Vec<char> = summary[..at].trim_end().chars().rev().take_while(char::is_ascii_digit).collect();
    digits.reverse();
    let digits: String = digits.into_iter().collect();
    digits.parse().unwrap_or_else(|e| panic!("no number before {label:?} in {summary:?}: {e}"))
}

// ---------------------------------------------------------------------------------------------
// People and organization
// ---------------------------------------------------------------------------------------------

#[test]
fn who_runs_the_ecommerce_group_and_since_when() {
    let rows = table(
        r#"SELECT ?head ?since ?quote WHERE {
             ?claim a sg:Claim ; rdf:subject ?head ; rdf:predicate org:headOf ;
                    rdf:object entity:ecommerce-group ; schema:startDate ?since ; sg:quote ?quote .
           }"#,
        &["head", "since", "quote"],
    );
    assert_eq!(rows, vec![vec!["jiang-fan", "2024-11-21", "自去年11月21日蒋凡执掌电商事业群这盘棋开始"]]);
    // Reported as fact, not as someone's view: the plain triple is asserted too.
    assert_eq!(column("SELECT ?head WHERE { ?head org:headOf entity:ecommerce-group }", "head"), vec!["jiang-fan"]);
    assert_eq!(
        column(r#"SELECT ?zh WHERE { entity:jiang-fan rdfs:label ?zh FILTER(lang(?zh) = "zh") }"#, "zh"),
        vec!["蒋凡"]
    );
}

#[test]
fn how_is_jiang_fan_linked_to_the_ecommerce_group_and_to_aliexpress() {
    assert_eq!(
        paths("jiang-fan", "ecommerce-group", &["--via", "people"]),
        vec![(
            vec!["jiang-fan".to_owned(), "ecommerce-group".to_owned()],
            vec![("org:headOf".to_owned(), "forward".to_owned())]
        )]
    );
    // By Chinese labels: 蒋凡 once ran 速卖通 (“其曾执掌的速卖通”).
    assert_eq!(
        paths("蒋凡", "速卖通", &["--via", "people"]),
        vec![(
            vec!["jiang-fan".to_owned(), "aliexpress".to_owned()],
            vec![("org:headOf".to_owned(), "forward".to_owned())]
        )]
    );
}

#[test]
fn what_did_jiang_fan_champion_and_how_long_was_he_overseas() {
    assert_eq!(
        column("SELECT ?x WHERE { entity:jiang-fan sg:championed ?x } ORDER BY ?x", "x"),
        vec!["choice", "global-one-inventory"]
    );
    assert_eq!(
        table(
            "SELECT ?value ?unit WHERE { ?o a sg:MetricObservation ; sg:observationOf entity:jiang-fan ;
               sg:metric entity:duration-years ; sg:value ?value ; sg:unit ?unit }",
            &["value", "unit"]
        ),
        vec![vec!["2", "years"]]
    );
    assert_eq!(column("SELECT ?org WHERE { entity:jiang-fan sg:memberOf ?org }", "org"), vec!["aidc"]);
}

#[test]
fn which_platforms_belong_to_aidc() {
    assert_eq!(column("SELECT ?x WHERE { entity:aidc sg:operates ?x } ORDER BY ?x", "x"), vec!["aliexpress"]);
    // “速卖通与淘天海外均隶属于AIDC”
    assert_eq!(
        table(
            "SELECT ?x ?class WHERE { ?x org:subOrganizationOf entity:aidc ; a ?class } ORDER BY ?x",
            &["x", "class"]
        ),
        vec![vec!["aliexpress", "sg:Platform"], vec!["taotian-overseas", "sg:BusinessGroup"]]
    );
    assert_eq!(column("SELECT ?parent WHERE { entity:aidc org:subOrganizationOf ?parent }", "parent"), vec!["alibaba"]);
    assert_eq!(column("SELECT ?alias WHERE { entity:aidc skos:altLabel ?alias }", "alias"), vec!["AIDC"]);
}

#[test]
fn what_was_taotian_overseas_set_up_to_complement_and_when() {
    assert_eq!(
        table(
            "SELECT ?other ?since WHERE {
               ?claim a sg:Claim ; rdf:subject entity:taotian-overseas ; rdf:predicate sg:complements ;
                      rdf:object ?other ; schema:startDate ?since .
               entity:taotian-overseas sg:complements ?other .
             } ORDER BY ?other",
            &["other", "since"]
        ),
        vec![vec!["alibaba-com", "2016"], vec!["aliexpress", "2016"]]
    );
    assert_eq!(
        table(
            "SELECT ?founded (datatype(?founded) AS ?type) WHERE { entity:taotian-overseas schema:foundingDate ?founded }",
            &["founded", "type"]
        ),
        vec![vec!["2016", "http://www.w3.org/2001/XMLSchema#gYear"]]
    );
    assert_eq!(
        table(
            "SELECT ?who ?when WHERE {
               ?claim rdf:subject ?who ; rdf:predicate sg:established ;
                      rdf:object entity:taotian-overseas ; schema:startDate ?when }",
            &["who", "when"]
        ),
        vec![vec!["alibaba", "2016"]]
    );
}

#[test]
fn where_did_taotian_overseas_expand_first() {
    assert_eq!(
        table(
            "SELECT ?market ?since WHERE {
               entity:taotian-overseas sg:targetsMarket ?market .
               ?claim rdf:subject entity:taotian-overseas ; rdf:predicate sg:targetsMarket ;
                      rdf:object ?market ; schema:startDate ?since .
             } ORDER BY ?market",
            &["market", "since"]
        ),
        vec![vec!["hong-kong", "2016"], vec!["macau", "2016"], vec!["southeast-asia", "2016"]]
    );
    // The one-click sign-up service it offered there serves overseas Chinese.
    assert_eq!(
        column(
            "SELECT ?segment WHERE { entity:taotian-overseas sg:launched entity:one-click-overseas-service .
               entity:one-click-overseas-service sg:serves ?segment }",
            "segment"
        ),
        vec!["overseas-chinese"]
    );
}

// ---------------------------------------------------------------------------------------------
// The April 2025 surge
// ---------------------------------------------------------------------------------------------

#[test]
fn which_platforms_ranked_where_on_the_us_shopping_chart() {
    let rows = table(
        "SELECT ?date ?platform ?rank WHERE {
           ?o a sg:MetricObservation ; sg:metric entity:chart-rank ;
              sg:context entity:us-app-store-shopping-free ;
              sg:observationOf ?platform ; sg:value ?rank ; sg:unit \"rank\" ; sg:date ?date .
         } ORDER BY STR(?date) ?rank",
        &["date", "platform", "rank"],
    );
    assert_eq!(
        rows,
        vec![
            vec!["2025-04", "dhgate", "1"],
            vec!["2025-04", "aliexpress", "15"],
            vec!["2025-04-16", "taobao", "2"],
            vec!["2025-04-18", "alibaba-com", "4"],
            vec!["2025-04-18", "temu", "9"],
            vec!["2025-04-18", "shein", "10"],
        ]
    );
}

#[test]
fn who_was_on_the_us_chart_on_april_16_and_on_april_18() {
    let on = |day: &str| {
        table(
            &format!(
                "SELECT ?platform ?rank WHERE {{
                   ?o sg:metric entity:chart-rank ; sg:context entity:us-app-store-shopping-free ;
                      sg:observationOf ?platform ; sg:value ?rank ; sg:date \"{day}\"^^xsd:date .
                 }} ORDER BY ?rank"
            ),
            &["platform", "rank"],
        )
    };
    assert_eq!(on("2025-04-16"), vec![vec!["taobao", "2"]]);
    assert_eq!(on("2025-04-18"), vec![vec!["alibaba-com", "4"], vec!["temu", "9"], vec!["shein", "10"]]);
    // Linked to the chart: the five ranked platforms and DHgate, which topped it for three days.
    assert_eq!(
        column("SELECT ?p WHERE { ?p sg:rankedOn entity:us-app-store-shopping-free } ORDER BY ?p", "p"),
        vec!["alibaba-com", "aliexpress", "dhgate", "shein", "taobao", "temu"]
    );
}

#[test]
fn how_did_alibaba_com_do_on_charts_worldwide() {
    // “在全球120个市场的App购物下载榜位居前10”
    assert_eq!(
        table(
            "SELECT ?metric ?value ?qualifier ?date WHERE {
               ?o sg:observationOf entity:alibaba-com ; sg:context entity:global-app-shopping-charts ;
                  sg:metric ?metric ; sg:value ?value ; sg:date ?date .
               OPTIONAL { ?o sg:qualifier ?q }
               BIND(COALESCE(?q, \"exact\") AS ?qualifier)
             } ORDER BY ?metric",
            &["metric", "value", "qualifier", "date"]
        ),
        vec![vec!["chart-rank", "10", "under", "2025-04-18"], vec!["market-count", "120", "exact", "2025-04-18"]]
    );
    assert_eq!(column("SELECT ?model WHERE { entity:alibaba-com sg:adoptsModel ?model }", "model"), vec!["b2b"]);
}

#[test]
fn how_long_did_dhgate_top_the_chart_and_since_when_has_it_done_kol_marketing() {
    assert_eq!(
        table(
            "SELECT ?value ?unit ?chart WHERE { ?o sg:observationOf entity:dhgate ; sg:metric entity:days-on-top ;
               sg:value ?value ; sg:unit ?unit ; sg:context ?chart }",
            &["value", "unit", "chart"]
        ),
        vec![vec!["3", "days", "us-app-store-shopping-free"]]
    );
    assert_eq!(
        table(
            "SELECT ?strategy ?since WHERE { entity:dhgate sg:launched ?strategy .
               ?claim rdf:subject entity:dhgate ; rdf:predicate sg:launched ; rdf:object ?strategy ;
                      schema:startDate ?since }",
            &["strategy", "since"]
        ),
        vec![vec!["kol-marketing", "2020"]]
    );
}

#[test]
fn how_do_taobaos_app_reviews_compare_with_dhgate_and_aliexpress() {
    assert_eq!(
        table(
            "SELECT ?platform ?value ?qualifier WHERE {
               ?o a sg:MetricObservation ; sg:metric entity:review-count ; sg:observationOf ?platform ;
                  sg:value ?value ; sg:unit \"count\" ; sg:qualifier ?qualifier .
             } ORDER BY DESC(?value) ?platform",
            &["platform", "value", "qualifier"]
        ),
        vec![
            vec!["aliexpress", "500000", "about"], // 近50万条
            vec!["dhgate", "500000", "over"],      // 50余万条
            vec!["taobao", "7000", "over"],        // 7000余条
        ]
    );
}

#[test]
fn how_many_views_did_the_how_to_shop_on_taobao_topic_get() {
    assert_eq!(
        table(
            "SELECT ?value ?unit ?qualifier ?where ?quote WHERE {
               ?o sg:observationOf entity:how-to-shop-on-taobao-topic ; sg:metric entity:view-count ;
                  sg:value ?value ; sg:unit ?unit ; sg:qualifier ?qualifier ; sg:context ?where ; sg:quote ?quote }",
            &["value", "unit", "qualifier", "where", "quote"]
        ),
        vec![vec!["5000000000", "count", "over", "tiktok", "话题播放量突破50亿次"]]
    );
    assert_eq!(
        column(
            r#"SELECT ?zh WHERE { entity:how-to-shop-on-taobao-topic rdfs:label ?zh FILTER(lang(?zh) = "zh") }"#,
            "zh"
        ),
        vec!["How to shop on TAOBAO"]
    );
}

#[test]
fn on_which_content_platforms_did_the_surge_start() {
    assert_eq!(
        column(
            "SELECT ?site WHERE { entity:taobao sg:promotedVia ?site . ?site a sg:ContentPlatform } ORDER BY ?site",
            "site"
        ),
        vec!["tiktok", "youtube"]
    );
    assert_eq!(
        column(
            "SELECT ?quote WHERE { ?c rdf:subject entity:taobao ; rdf:predicate sg:promotedVia ;
               rdf:object entity:youtube ; sg:quote ?quote }",
            "quote"
        ),
        vec!["始于TikTok与YouTube等内容平台的Kol自传播"]
    );
    assert_eq!(
        paths("taobao", "tiktok", &[]),
        vec![(
            vec!["taobao".to_owned(), "tiktok".to_owned()],
            vec![("sg:promotedVia".to_owned(), "forward".to_owned())]
        )]
    );
}

#[test]
fn how_much_did_visits_to_taobao_stores_jump() {
    assert_eq!(
        table(
            "SELECT ?value ?unit ?date ?during WHERE { ?o sg:observationOf entity:taobao ;
               sg:metric entity:visit-growth ; sg:value ?value ; sg:unit ?unit ; sg:date ?date ; sg:context ?during }",
            &["value", "unit", "date", "during"]
        ),
        vec![vec!["1000", "percent", "2025-04", "april-2025-surge"]]
    );
    // The stores were in apparel and 3C.
    assert_eq!(
        column("SELECT ?c WHERE { entity:taobao sg:sellsCategory ?c } ORDER BY ?c", "c"),
        vec!["apparel", "consumer-electronics"]
    );
}

#[test]
fn when_did_the_overseas_surge_begin() {
    // As fact: the morning of 16 April; as one Taobao merchant tells it: from about 11 April.
    assert_eq!(column("SELECT ?d WHERE { entity:april-2025-surge schema:startDate ?d }", "d"), vec!["2025-04-16"]);
    assert_eq!(
        table(
            "SELECT ?d ?who WHERE { ?c a sg:Claim ; rdf:subject entity:april-2025-surge ;
               rdf:predicate schema:startDate ; rdf:object ?d ; prov:wasAttributedTo ?who }",
            &["d", "who"]
        ),
        vec![vec!["2025-04-11", "taobao-merchant"]]
    );
    assert_eq!(
        table(
            "SELECT ?segment ?since WHERE { entity:taobao sg:serves ?segment .
               OPTIONAL { ?c rdf:subject entity:taobao ; rdf:predicate sg:serves ; rdf:object ?segment ;
                             schema:startDate ?since } } ORDER BY ?segment",
            &["segment", "since"]
        ),
        vec![vec!["overseas-chinese", ""], vec!["overseas-non-chinese-buyers", "2025-04-16"]]
    );
}

#[test]
fn how_much_did_temu_and_shein_sales_grow() {
    assert_eq!(
        table(
            "SELECT ?platform ?value ?unit ?qualifier WHERE { ?o sg:metric entity:sales-growth ;
               sg:observationOf ?platform ; sg:value ?value ; sg:unit ?unit ; sg:qualifier ?qualifier }
             ORDER BY ?platform",
            &["platform", "value", "unit", "qualifier"]
        ),
        vec![vec!["shein", "30", "percent", "over"], vec!["temu", "30", "percent", "over"]]
    );
}

#[test]
fn which_platforms_outdid_aliexpress() {
    assert_eq!(
        column("SELECT ?x WHERE { ?x sg:outperformed entity:aliexpress } ORDER BY ?x", "x"),
        vec!["amazon", "shein", "taobao", "taotian-overseas", "temu"]
    );
    // Its SKU richness is second only to Amazon.
    assert_eq!(
        table(
            "SELECT ?value ?unit WHERE { ?o sg:observationOf entity:aliexpress ; sg:metric entity:sku-richness-rank ;
               sg:value ?value ; sg:unit ?unit }",
            &["value", "unit"]
        ),
        vec![vec!["2", "rank"]]
    );
}

#[test]
fn what_does_the_industry_insider_claim() {
    let rows = table(
        "SELECT ?s ?p ?o ?start ?quote WHERE {
           ?c a sg:Claim ; prov:wasAttributedTo entity:industry-insider ;
              rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; sg:quote ?quote .
           OPTIONAL { ?c schema:startDate ?start }
         } ORDER BY ?s ?p",
        &["s", "p", "o", "start", "quote"],
    );
    assert_eq!(
        rows,
        vec![
            vec!["aliexpress", "sg:launched", "anniversary-sale", "2025-03", "速卖通刚刚完成其3月周年庆大促"],
            vec!["anniversary-sale", "schema:startDate", "2025-03", "", "速卖通刚刚完成其3月周年庆大促"],
            vec!["taobao", "sg:outperformed", "aliexpress", "2025-04", "这才让淘宝有机会“趁虚而入”"],
        ]
    );
    // Claims only: the March sale is not asserted as a fact.
    assert!(!ask("ASK { entity:aliexpress sg:launched entity:anniversary-sale }"));
    assert!(!ask("ASK { entity:anniversary-sale schema:startDate ?d }"));
}

// ---------------------------------------------------------------------------------------------
// AIDC's results
// ---------------------------------------------------------------------------------------------

#[test]
fn what_was_aidcs_q4_2024_revenue() {
    assert_eq!(
        table(
            "SELECT ?value ?unit ?period ?from ?to WHERE {
               ?o a sg:MetricObservation ; sg:observationOf entity:aidc ; sg:metric entity:revenue ;
                  sg:value ?value ; sg:unit ?unit ; sg:period ?period ; sg:periodStart ?from ; sg:periodEnd ?to .
             } ORDER BY ?unit",
            &["value", "unit", "period", "from", "to"]
        ),
        vec![
            vec!["37756000000", "CNY", "2024-Q4", "2024-10-01", "2024-12-31"],
            vec!["5173000000", "USD", "2024-Q4", "2024-10-01", "2024-12-31"],
        ]
    );
    let json = describe("AIDC");
    assert_eq!(json["iri"], entity("aidc"));
    let revenue: Vec<(String, String)> = json["figures"]
        .as_array()
        .expect("figures")
        .iter()
        .filter(|f| f["metric"] == entity("revenue"))
        .map(|f| {
            (
                f["value"].as_str().unwrap_or_default().to_owned(),
                f["evidence"]["quote"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert!(
        revenue.contains(&("37756000000".to_owned(), "AIDC于去年Q4营收377.56亿元人民币".to_owned())),
        "{revenue:?}"
    );
    assert!(revenue.contains(&("5173000000".to_owned(), "377.56亿元人民币（51.73亿美元）".to_owned())), "{revenue:?}");
}

#[test]
fn how_fast_did_aidcs_revenue_grow_and_what_drove_it() {
    assert_eq!(
        table(
            "SELECT ?value ?unit ?period WHERE { ?o sg:observationOf entity:aidc ; sg:metric entity:revenue-growth ;
               sg:value ?value ; sg:unit ?unit ; sg:period ?period }",
            &["value", "unit", "period"]
        ),
        vec![vec!["32", "percent", "2024-Q4"]]
    );
    assert!(ask(
        r#"ASK { entity:aliexpress schema:description "The main driver of AIDC's revenue growth in Q4 2024."@en }"#
    ));
}

// ---------------------------------------------------------------------------------------------
// AliExpress's history and models
// ---------------------------------------------------------------------------------------------

#[test]
fn when_was_aliexpress_founded() {
    assert_eq!(
        table(
            "SELECT ?year (datatype(?year) AS ?type) WHERE { entity:aliexpress schema:foundingDate ?year }",
            &["year", "type"]
        ),
        vec![vec!["2010", "http://www.w3.org/2001/XMLSchema#gYear"]]
    );
    // By its Chinese name, with the quote behind the date.
    let json = describe("速卖通");
    assert_eq!(json["iri"], entity("aliexpress"));
    assert_eq!(json["en"], "AliExpress");
    assert!(json["aliases"].as_array().expect("aliases").iter().any(|a| a == "国际版淘宝"), "{json}");
    let founding: Vec<(String, String)> = json["attributes"]
        .as_array()
        .expect("attributes")
        .iter()
        .filter(|a| a["property"] == "https://schema.org/foundingDate")
        .map(|a| {
            (
                a["value"].as_str().unwrap_or_default().to_owned(),
                a["evidence"][0]["quote"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(founding, vec![("2010".to_owned(), "成立于2010年的速卖通".to_owned())]);
}

#[test]
fn when_did_aliexpress_move_from_c2c_to_b2c() {
    assert_eq!(
        table(
            "SELECT ?model ?from ?until WHERE {
               ?c a sg:Claim ; rdf:subject entity:aliexpress ; rdf:predicate sg:adoptsModel ; rdf:object ?model .
               OPTIONAL { ?c schema:startDate ?from } OPTIONAL { ?c schema:endDate ?until }
               FILTER(?model IN (entity:c2c, entity:b2c))
             } ORDER BY ?model",
            &["model", "from", "until"]
        ),
        vec![vec!["b2c", "2015", ""], vec!["c2c", "", "2015"]]
    );
    // Individual sellers, its C2C base, sold on it until 2015.
    assert_eq!(
        column(
            "SELECT ?until WHERE { ?c rdf:subject entity:individual-sellers ; rdf:predicate sg:sellsOn ;
               rdf:object entity:aliexpress ; schema:endDate ?until }",
            "until"
        ),
        vec!["2015"]
    );
}

#[test]
fn which_business_models_does_aliexpress_use() {
    assert_eq!(
        column("SELECT ?m WHERE { entity:aliexpress sg:adoptsModel ?m } ORDER BY ?m", "m"),
        vec!["b2c", "c2c", "full-managed", "pop", "semi-managed"]
    );
}

#[test]
fn which_categories_are_aliexpress_strong_in() {
    // “前述服饰与3C数码均是其GMV中占比颇高的优势品类” — the same ones Taobao is strong in.
    let strong = |platform: &str| {
        column(&format!("SELECT ?c WHERE {{ entity:{platform} sg:strongCategory ?c }} ORDER BY ?c"), "c")
    };
    assert_eq!(strong("aliexpress"), vec!["apparel", "consumer-electronics"]);
    assert_eq!(strong("taobao"), vec!["apparel", "consumer-electronics"]);
}

#[test]
fn which_market_did_aliexpress_prioritise_and_when() {
    assert_eq!(
        table(
            "SELECT ?who ?since WHERE {
               ?c a sg:Claim ; rdf:subject ?who ; rdf:predicate sg:targetsMarket ; rdf:object entity:us .
               OPTIONAL { ?c schema:startDate ?since }
             } ORDER BY ?who",
            &["who", "since"]
        ),
        vec![
            vec!["aliexpress", "2024"],
            vec!["shein", ""],
            vec!["temu", ""],
            vec!["us-ad-budget-cut", ""],
            vec!["us-pop-recruitment", "2025"],
        ]
    );
    assert_eq!(
        column("SELECT ?who WHERE { entity:us-pop-recruitment sg:targets ?who }", "who"),
        vec!["us-local-pop-merchants"]
    );
}

// ---------------------------------------------------------------------------------------------
// Choice and the supply chain
// ---------------------------------------------------------------------------------------------

#[test]
fn when_did_choice_start() {
    assert_eq!(
        table(
            "SELECT ?start (datatype(?start) AS ?type) WHERE { entity:choice schema:startDate ?start }",
            &["start", "type"]
        ),
        vec![vec!["2023-03", "http://www.w3.org/2001/XMLSchema#gYearMonth"]]
    );
    assert_eq!(
        table(
            "SELECT ?who ?since WHERE { ?c rdf:subject ?who ; rdf:predicate sg:launched ;
               rdf:object entity:choice ; schema:startDate ?since }",
            &["who", "since"]
        ),
        vec![vec!["aliexpress", "2023-03"]]
    );
    assert_eq!(column("SELECT ?m WHERE { entity:choice sg:adoptsModel ?m }", "m"), vec!["full-managed"]);
}

#[test]
fn what_share_of_aliexpress_orders_does_choice_take() {
    assert_eq!(
        table(
            "SELECT ?value ?unit ?from ?on ?quote WHERE {
               ?o a sg:MetricObservation ; sg:observationOf entity:choice ; sg:metric entity:order-share ;
                  sg:value ?value ; sg:unit ?unit ; sg:periodStart ?from ; sg:context ?on ; sg:quote ?quote }",
            &["value", "unit", "from", "on", "quote"]
        ),
        vec![vec!["70", "percent", "2024", "aliexpress", "直至2024年中起占比70%"]]
    );
}

#[test]
fn what_supplies_choice() {
    assert_eq!(
        column("SELECT ?x WHERE { ?x sg:supplies entity:choice } ORDER BY ?x", "x"),
        vec!["1688overseas", "factories-traders-1688", "full-managed-merchants"]
    );
    // 1688overseas runs on 1688 and is aimed at its factories and traders.
    assert_eq!(
        table(
            "SELECT ?platform ?aimedAt WHERE { entity:1688overseas sg:runsOn ?platform ; sg:targets ?aimedAt }",
            &["platform", "aimedAt"]
        ),
        vec![vec!["alibaba-1688", "factories-traders-1688"]]
    );
    assert_eq!(
        paths("1688overseas", "choice", &["--via", "supply"]),
        vec![(
            vec!["1688overseas".to_owned(), "choice".to_owned()],
            vec![("sg:supplies".to_owned(), "forward".to_owned())]
        )]
    );
}

#[test]
fn where_do_the_stone_stores_products_come_from() {
    // Asserted: it copies the hits of POP merchants (“到被自营店跟款铺货”).
    assert_eq!(
        table(
            "SELECT ?p ?x WHERE { entity:stone-store ?p ?x FILTER(?p IN (sg:copiesProductsFrom, sg:sourcesFrom)) }",
            &["p", "x"]
        ),
        vec![vec!["sg:copiesProductsFrom", "pop-merchants"]]
    );
    // Every account, with who says so (an empty speaker is the article itself).
    assert_eq!(
        table(
            "SELECT ?p ?x ?who WHERE {
               ?c a sg:Claim ; rdf:subject entity:stone-store ; rdf:predicate ?p ; rdf:object ?x .
               OPTIONAL { ?c prov:wasAttributedTo ?w }
               BIND(COALESCE(STR(?w), \"\") AS ?who)
               FILTER(?p IN (sg:copiesProductsFrom, sg:sourcesFrom))
             } ORDER BY ?p ?x ?who",
            &["p", "x", "who"]
        ),
        vec![
            vec!["sg:copiesProductsFrom", "pop-merchants", ""],
            vec!["sg:copiesProductsFrom", "pop-merchants", "multiple-merchants"],
            vec!["sg:copiesProductsFrom", "small-pop-merchants", "cross-border-seller"],
            vec!["sg:sourcesFrom", "alibaba-1688", "merchant-grapevine"],
        ]
    );
    assert_eq!(
        table(
            "SELECT ?x ?who WHERE { ?c a sg:Claim ; rdf:subject ?x ; rdf:predicate sg:supplies ;
               rdf:object entity:stone-store ; prov:wasAttributedTo ?who }",
            &["x", "who"]
        ),
        vec![vec!["small-pop-merchants", "cross-border-seller"]]
    );
    // The 1688 purchasing story is grapevine, so not a plain fact.
    assert!(!ask("ASK { entity:stone-store sg:sourcesFrom entity:alibaba-1688 }"));
}

#[test]
fn what_does_describe_tell_about_the_stone_store() {
    let json = describe("石头店");
    assert_eq!(json["iri"], entity("stone-store"));
    assert_eq!(json["en"], "Stone Store");
    let mut supply: Vec<(String, String, String, bool, Vec<String>)> = json["relations"]
        .as_array()
        .expect("relations")
        .iter()
        .filter(|r| r["group"] == "supply")
        .map(|r| {
            let mut speakers: Vec<String> = r["evidence"]
                .as_array()
                .expect("evidence")
                .iter()
                .map(|e| short(e["claimed_by"].as_str().unwrap_or("")))
                .collect();
            speakers.sort();
            (
                short(r["property"].as_str().expect("property")),
                r["direction"].as_str().expect("direction").to_owned(),
                short(r["other"].as_str().expect("other")),
                r["asserted"].as_bool().expect("asserted"),
                speakers,
            )
        })
        .collect();
    supply.sort();
    let s = |text: &str| text.to_owned();
    assert_eq!(
        supply,
        vec![
            (s("sg:copiesProductsFrom"), s("out"), s("pop-merchants"), true, vec![s(""), s("multiple-merchants")]),
            (s("sg:copiesProductsFrom"), s("out"), s("small-pop-merchants"), false, vec![s("cross-border-seller")]),
            (s("sg:sourcesFrom"), s("out"), s("alibaba-1688"), false, vec![s("merchant-grapevine")]),
            (s("sg:supplies"), s("in"), s("small-pop-merchants"), false, vec![s("cross-border-seller")]),
        ]
    );
    // A semi-managed merchant says the top 20 search links in its category are Stone Store links.
    let figures = json["figures"].as_array().expect("figures");
    assert_eq!(figures.len(), 1, "{json}");
    assert_eq!(figures[0]["metric"], entity("top-search-links"));
    assert_eq!(figures[0]["value"], "20");
    assert_eq!(figures[0]["evidence"]["claimed_by"], entity("semi-managed-merchant"));
}

// ---------------------------------------------------------------------------------------------
// Strategy: dual track, brands, POP
// ---------------------------------------------------------------------------------------------

#[test]
fn when_did_aliexpress_adopt_the_dual_track_model() {
    assert_eq!(column("SELECT ?d WHERE { entity:dual-track schema:startDate ?d }", "d"), vec!["2024-09"]);
    assert_eq!(
        column("SELECT ?m WHERE { entity:dual-track sg:adoptsModel ?m } ORDER BY ?m", "m"),
        vec!["full-managed", "pop"]
    );
    assert_eq!(
        table(
            "SELECT ?who ?since WHERE { ?c rdf:subject ?who ; rdf:predicate sg:launched ;
               rdf:object entity:dual-track ; schema:startDate ?since }",
            &["who", "since"]
        ),
        vec![vec!["aliexpress", "2024-09"]]
    );
}

#[test]
fn when_was_the_ten_billion_brand_subsidy_announced_and_for_whom() {
    assert_eq!(column("SELECT ?d WHERE { entity:ten-billion-subsidy schema:startDate ?d }", "d"), vec!["2025-03"]);
    assert_eq!(
        table(
            "SELECT ?value ?unit ?qualifier ?date WHERE { ?o sg:observationOf entity:ten-billion-subsidy ;
               sg:metric entity:subsidy-amount ; sg:value ?value ; sg:unit ?unit ; sg:qualifier ?qualifier ; sg:date ?date }",
            &["value", "unit", "qualifier", "date"]
        ),
        vec![vec!["10000000000", "CNY", "about", "2025-03"]]
    );
    assert_eq!(
        table(
            "SELECT ?strategy ?aimedAt WHERE { entity:ten-billion-subsidy sg:partOf ?strategy ; sg:targets ?aimedAt }",
            &["strategy", "aimedAt"]
        ),
        vec![vec!["brand-going-global", "brand-merchants"]]
    );
    assert_eq!(
        column(r#"SELECT ?zh WHERE { entity:ten-billion-subsidy rdfs:label ?zh FILTER(lang(?zh) = "zh") }"#, "zh"),
        vec!["百亿补贴"]
    );
}

#[test]
fn which_policies_did_aliexpress_introduce_for_pop_merchants() {
    assert_eq!(
        table(
            r#"SELECT ?policy ?zh WHERE {
                 entity:aliexpress sg:launched ?policy .
                 ?policy a sg:Policy ; sg:targets entity:pop-merchants ; rdfs:label ?zh .
                 FILTER(lang(?zh) = "zh")
               } ORDER BY ?policy"#,
            &["policy", "zh"]
        ),
        vec![
            vec!["after-sales-preconfiguration", "售后方案预配置"],
            vec!["buyer-seller-negotiation", "买卖协商"],
            vec!["local-returns", "本地退"],
            vec!["quality-inspection-report", "质检报告"],
            vec!["return-rate-penalty-waiver", "减免退货率罚款"],
        ]
    );
    // The no-reason-returns “bottom line” for users stays, on AliExpress, aimed at nobody in particular.
    assert_eq!(column("SELECT ?p WHERE { entity:no-reason-returns sg:runsOn ?p }", "p"), vec!["aliexpress"]);
    assert!(!ask("ASK { entity:no-reason-returns sg:targets ?x }"));
}

#[test]
fn which_promotions_are_only_for_pop_merchants() {
    assert_eq!(
        column(
            "SELECT ?program WHERE { entity:aliexpress sg:launched ?program .
               ?program a sg:Program ; sg:targets entity:pop-merchants } ORDER BY ?program",
            "program"
        ),
        vec!["flash-promotion", "offsite-promotion"]
    );
    // “额外补贴最低60%”
    assert_eq!(
        table(
            "SELECT ?value ?unit ?qualifier WHERE { ?o sg:observationOf entity:offsite-promotion ;
               sg:metric entity:subsidy-rate ; sg:value ?value ; sg:unit ?unit ; sg:qualifier ?qualifier }",
            &["value", "unit", "qualifier"]
        ),
        vec![vec!["60", "percent", "over"]]
    );
}

#[test]
fn what_did_sun_xing_say_about_the_new_policies() {
    // The ~20 % after-sales saving is his claim, attributed to him.
    assert_eq!(
        table(
            "SELECT ?value ?unit ?qualifier ?from ?who WHERE {
               ?o a sg:MetricObservation ; sg:observationOf entity:merchant-sun-xing ; sg:metric entity:cost-saving ;
                  sg:value ?value ; sg:unit ?unit ; sg:qualifier ?qualifier ; sg:context ?from ;
                  prov:wasAttributedTo ?who }",
            &["value", "unit", "qualifier", "from", "who"]
        ),
        vec![vec!["20", "percent", "about", "buyer-seller-negotiation", "merchant-sun-xing"]]
    );
    // All his figures: one after-sales staff saved, ~20 % cost saved, test reports of up to ~1000 CNY.
    assert_eq!(
        table(
            "SELECT ?subject ?metric ?value ?unit WHERE {
               ?o a sg:MetricObservation ; prov:wasAttributedTo entity:merchant-sun-xing ;
                  sg:observationOf ?subject ; sg:metric ?metric ; sg:value ?value ; sg:unit ?unit }
             ORDER BY ?metric",
            &["subject", "metric", "value", "unit"]
        ),
        vec![
            vec!["merchant-sun-xing", "cost-saving", "20", "percent"],
            vec!["quality-inspection-report", "report-cost", "1000", "CNY"],
            vec!["merchant-sun-xing", "staff-saving", "1", "count"],
        ]
    );
    // His complaint about test reports is his view only.
    assert_eq!(
        column(
            "SELECT ?s WHERE { ?c a sg:Claim ; prov:wasAttributedTo entity:merchant-sun-xing ; rdf:subject ?s }",
            "s"
        ),
        vec!["quality-inspection-report"]
    );
    assert!(!ask(
        r#"ASK { entity:quality-inspection-report schema:description ?d FILTER(CONTAINS(STR(?d), "Sun Xing")) }"#
    ));
    assert_eq!(
        column("SELECT ?c WHERE { entity:merchant-sun-xing sg:sellsCategory ?c }", "c"),
        vec!["bluetooth-earphones"]
    );
}

#[test]
fn who_did_aliexpress_partner_with() {
    assert_eq!(column("SELECT ?x WHERE { entity:aliexpress sg:partnersWith ?x }", "x"), vec!["unitree"]);
    assert_eq!(
        paths("unitree", "aliexpress", &[]),
        vec![(
            vec!["unitree".to_owned(), "aliexpress".to_owned()],
            vec![("sg:partnersWith".to_owned(), "backward".to_owned())]
        )]
    );
    assert_eq!(
        column(r#"SELECT ?zh WHERE { entity:unitree rdfs:label ?zh FILTER(lang(?zh) = "zh") }"#, "zh"),
        vec!["宇树科技"]
    );
}

#[test]
fn when_did_temu_start_recruiting_pop_merchants() {
    assert_eq!(column("SELECT ?d WHERE { entity:temu-pop-recruitment schema:startDate ?d }", "d"), vec!["2025-03"]);
    assert!(ask("ASK { entity:temu sg:launched entity:temu-pop-recruitment .
               entity:temu-pop-recruitment sg:adoptsModel entity:pop }"));
    assert_eq!(
        table(
            "SELECT ?who ?since WHERE { ?c rdf:subject ?who ; rdf:predicate sg:adoptsModel ; rdf:object entity:pop ;
               schema:startDate ?since FILTER(?who IN (entity:temu, entity:shein)) } ORDER BY ?who",
            &["who", "since"]
        ),
        vec![vec!["shein", "2025"], vec!["temu", "2025-03"]]
    );
}

#[test]
fn what_did_latepost_report_about_the_ecommerce_group() {
    assert_eq!(
        table(
            "SELECT ?strategy ?since WHERE {
               ?c a sg:Claim ; prov:wasAttributedTo entity:latepost ; rdf:subject entity:ecommerce-group ;
                  rdf:predicate sg:launched ; rdf:object ?strategy .
               OPTIONAL { ?c schema:startDate ?since }
             } ORDER BY ?strategy",
            &["strategy", "since"]
        ),
        vec![vec!["growth-priority", "2025"], vec!["omnichannel-ecommerce", ""]]
    );
    // Reported views, not asserted facts.
    assert!(!ask("ASK { entity:ecommerce-group sg:launched entity:growth-priority }"));
    assert!(!ask("ASK { entity:ecommerce-group sg:launched entity:omnichannel-ecommerce }"));
}

// ---------------------------------------------------------------------------------------------
// Taotian Overseas' growth plan
// ---------------------------------------------------------------------------------------------

#[test]
fn what_did_the_overseas_growth_plan_offer() {
    assert_eq!(
        column("SELECT ?x WHERE { ?x sg:partOf entity:overseas-growth-plan } ORDER BY ?x", "x"),
        vec!["freight-subsidy", "zero-threshold-entry"]
    );
    assert_eq!(
        table(
            "SELECT ?value ?unit ?qualifier WHERE { ?o sg:observationOf entity:overseas-growth-plan ;
               sg:metric entity:subsidy-amount ; sg:value ?value ; sg:unit ?unit ; sg:qualifier ?qualifier }",
            &["value", "unit", "qualifier"]
        ),
        vec![vec!["1000000000", "CNY", "about"]]
    );
    assert_eq!(
        table(
            "SELECT ?who ?since WHERE { ?c rdf:subject ?who ; rdf:predicate sg:launched ;
               rdf:object entity:overseas-growth-plan ; schema:startDate ?since }",
            &["who", "since"]
        ),
        vec![vec!["taotian-overseas", "2024"]]
    );
}

#[test]
fn how_many_merchants_joined_the_overseas_growth_plan_sale() {
    assert_eq!(
        table(
            "SELECT ?metric ?value ?unit ?qualifier ?from ?to WHERE {
               ?o sg:observationOf entity:free-shipping-merchants ; sg:context entity:overseas-growth-plan ;
                  sg:metric ?metric ; sg:value ?value ; sg:unit ?unit ; sg:periodStart ?from ; sg:periodEnd ?to .
               OPTIONAL { ?o sg:qualifier ?q } BIND(COALESCE(?q, \"exact\") AS ?qualifier)
             } ORDER BY ?metric",
            &["metric", "value", "unit", "qualifier", "from", "to"]
        ),
        vec![
            vec!["gmv-growth", "2", "times", "exact", "2024-10-21", "2024-10-24"],
            vec!["merchant-count", "70000", "count", "about", "2024-10-21", "2024-10-24"],
        ]
    );
}

#[test]
fn which_merchants_grew_gmv_by_207_percent() {
    assert_eq!(
        table(
            "SELECT ?who ?unit ?from ?to ?within WHERE {
               ?o a sg:MetricObservation ; sg:metric entity:gmv-growth ; sg:value 207 ;
                  sg:observationOf ?who ; sg:unit ?unit ; sg:periodStart ?from ; sg:periodEnd ?to ; sg:context ?within }",
            &["who", "unit", "from", "to", "within"]
        ),
        vec![vec!["apparel-free-shipping-merchants", "percent", "2024-10-21", "2024-10-24", "overseas-growth-plan"]]
    );
    assert_eq!(
        column("SELECT ?c WHERE { entity:apparel-free-shipping-merchants sg:sellsCategory ?c }", "c"),
        vec!["apparel"]
    );
}

// ---------------------------------------------------------------------------------------------
// The source itself
// ---------------------------------------------------------------------------------------------

#[test]
fn who_wrote_the_article_and_when() {
    assert_eq!(
        table(
            "SELECT ?title ?date ?author ?publisher ?url WHERE {
               entity:woshipm-6207665 a sg:SourceDocument ; schema:name ?title ; schema:datePublished ?date ;
                 schema:author ?author ; schema:publisher ?publisher ; schema:url ?url }",
            &["title", "date", "author", "publisher", "url"]
        ),
        vec![vec![
            "淘宝火了，关速卖通什么事？",
            "2025-04-21",
            "guangzi-xingqiu",
            "woshipm",
            "https://www.woshipm.com/it/6207665.html"
        ]]
    );
    assert_eq!(
        column(r#"SELECT ?zh WHERE { entity:guangzi-xingqiu rdfs:label ?zh FILTER(lang(?zh) = "zh") }"#, "zh"),
        vec!["光子星球"]
    );
}

#[test]
fn quotes_are_verbatim_in_the_article() {
    let article = util::repo().join("../shared/source/woshipm-6207665-taobao-aliexpress.md");
    if !article.exists() {
        eprintln!("skipped: the article text {} is absent, so its quotes cannot be verified", article.display());
        return;
    }
    let outcome = Test::new().args(["check"]).run().success();
    let summary = outcome
        .stdout
        .lines()
        .find(|line| line.starts_with("checked "))
        .unwrap_or_else(|| panic!("no summary line:\n{}\n{}", outcome.stdout, outcome.stderr))
        .to_owned();
    assert!(summary.ends_with(" 0 errors"), "{}", outcome.stdout);
    let facts = count_before(&summary, " facts");
    let verified = count_before(&summary, " quotes verified");
    let unverified = count_before(&summary, " not verified");
    assert_eq!(unverified, 0, "{}", outcome.stdout);
    assert!(verified > 0, "{}", outcome.stdout);
    // Every fact in the built-in data carries a quote, and each was found in the article.
    assert_eq!(verified, facts, "{}", outcome.stdout);
    assert!(outcome.stdout.contains(&format!("{verified} quotes verified, 0 not verified")), "{}", outcome.stdout);
    assert!(!outcome.stdout.contains("quote not found"), "{}", outcome.stdout);
}
