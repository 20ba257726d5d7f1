//! `describe` (by label, alias, id, prefixed name or IRI; text and JSON; claims; --lang zh;
//! unknown names) and `search` (English, Chinese, prefix, fuzzy, JSON scores, no hit).

use crate::util::{entity, Test};

fn describe(name: &str) -> crate::util::Outcome {
    Test::new().args(["describe", name]).run().success()
}

#[test]
fn describe_finds_aliexpress_by_every_kind_of_name() {
    let iri = entity("aliexpress");
    let angle = format!("<{iri}>");
    for name in ["AliExpress", "速卖通", "国际版淘宝", "aliexpress", "entity:aliexpress", iri.as_str(), angle.as_str()]
    {
        let out = describe(name);
        assert_eq!(out.stdout.lines().next(), Some("AliExpress · 速卖通"), "describe {name}:\n{}", out.stdout);
        assert!(out.stdout.contains(&format!("iri: {iri}")), "describe {name}:\n{}", out.stdout);
    }
}

#[test]
fn describe_text_shows_labels_class_aliases_and_description() {
    describe("AliExpress")
        .stdout_has("AliExpress · 速卖通")
        .stdout_has("class: Platform")
        .stdout_has("aliases: 国际版淘宝")
        .stdout_has("Alibaba's cross-border marketplace, founded 2010.");
}

#[test]
fn describe_text_groups_relations_with_quote_and_source() {
    let out = describe("AliExpress");
    let organization = out.stdout.find("\nOrganization\n").expect("Organization group");
    let competition = out.stdout.find("\nCompetition\n").expect("Competition group");
    assert!(competition < organization, "groups are sorted:\n{}", out.stdout);
    let operated =
        out.stdout.find("←operates— Alibaba International Digital Commerce Group").expect("incoming operates");
    assert!(operated > organization, "operates sits under Organization");
    let after = &out.stdout[operated..];
    let mut lines = after.lines().skip(1);
    assert_eq!(lines.next().map(str::trim), Some("“阿里国际（AIDC）旗下跨境平台速卖通”"));
    assert_eq!(lines.next().map(str::trim), Some("— 淘宝火了，关速卖通什么事？, 2025-04-21"));
    out.stdout_has("—is part of→ Alibaba International Digital Commerce Group")
        .stdout_has("—launched→ Choice  [since 2023-03]");
}

#[test]
fn describe_text_lists_attributes_and_figures_with_quotes() {
    describe("AliExpress")
        .stdout_has("founding date: 2010")
        .stdout_has("“成立于2010年的速卖通”")
        .stdout_has("Chart rank: #15 (2025-04) in US App Store free shopping-app download chart")
        .stdout_has("“反观速卖通则在同一榜单上“屈居”15名”");
}

#[test]
fn describe_marks_claims_with_their_speaker() {
    let out = describe("AliExpress");
    let line = out
        .stdout
        .lines()
        .position(|l| l.contains("—launched→ AliExpress March anniversary sale (2025)"))
        .expect("the claim");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines[line].ends_with("[claim]"), "{}", lines[line]);
    assert_eq!(lines[line + 1].trim(), "“速卖通刚刚完成其3月周年庆大促”");
    assert!(lines[line + 2].contains("claimed by An industry insider (anonymous)"), "{}", lines[line + 2]);
}

#[test]
fn describe_does_not_mark_a_stated_fact_as_a_claim() {
    let out = describe("AIDC");
    let line = out.stdout.lines().find(|l| l.contains("—operates→ AliExpress")).expect("operates");
    assert!(!line.contains("[claim]"), "{line}");
}

#[test]
fn describe_json_has_names_relations_and_evidence() {
    let out = Test::new().args(["describe", "--format", "json", "AliExpress"]).run().success();
    let json = out.json();
    assert_eq!(json["iri"], entity("aliexpress"));
    assert_eq!(json["en"], "AliExpress");
    assert_eq!(json["zh"], "速卖通");
    let relations = json["relations"].as_array().expect("relations");
    let operated = relations
        .iter()
        .find(|r| r["property"] == "https://w3id.org/stratagraph/ontology#operates" && r["direction"] == "in")
        .expect("AIDC operates AliExpress");
    assert_eq!(operated["other"], entity("aidc"));
    assert_eq!(operated["asserted"], true);
    assert_eq!(operated["evidence"][0]["quote"], "阿里国际（AIDC）旗下跨境平台速卖通");
    assert_eq!(operated["evidence"][0]["source"], entity("woshipm-6207665"));
}

#[test]
fn describe_json_marks_claims_unasserted_with_speaker() {
    let out = Test::new().args(["describe", "--format", "json", "taotian-overseas"]).run().success();
    let json = out.json();
    let claim = json["relations"]
        .as_array()
        .expect("relations")
        .iter()
        .find(|r| {
            r["property"] == "https://w3id.org/stratagraph/ontology#competesWith" && r["other"] == entity("aliexpress")
        })
        .expect("the competes-with claim");
    assert_eq!(claim["asserted"], false);
    assert_eq!(claim["evidence"][0]["claimed_by"], entity("earlier-commentators"));
    assert_eq!(claim["evidence"][0]["start"], "2024");
}

#[test]
fn describe_lang_zh_uses_chinese_labels() {
    let out = Test::new().args(["describe", "--lang", "zh", "aidc"]).run().success();
    out.stdout_has("类别: 事业群")
        .stdout_has("组织")
        .stdout_has("—运营→ 速卖通")
        .stdout_has("—隶属于→ 阿里")
        .stdout_has("←任职于— 蒋凡")
        .stdout_lacks("—operates→")
        .stdout_lacks("Alibaba Group");
}

#[test]
fn describe_unknown_entity_exits_2_with_did_you_mean() {
    Test::new()
        .args(["describe", "AliExpres"])
        .run()
        .code(2)
        .stderr_has("unknown entity `AliExpres`")
        .stderr_has("did you mean AliExpress (速卖通, entity:aliexpress)");
}

#[test]
fn describe_unknown_chinese_prefix_suggests_the_entity() {
    Test::new().args(["describe", "速卖"]).run().code(2).stderr_has("did you mean AliExpress (速卖通");
}

#[test]
fn describe_nothing_like_it_points_to_search() {
    Test::new()
        .args(["describe", "Nothing at all"])
        .run()
        .code(2)
        .stderr_has("unknown entity")
        .stderr_has("stratagraph search");
}

#[test]
fn regression_describe_shows_every_description_attribute_with_its_quote() {
    // The fact file gives AliExpress four quoted `schema:description` attributes besides the
    // entity's own description; describe kept only one description and dropped the rest
    // with their quotes.
    describe("AliExpress")
        .stdout_has("Alibaba's cross-border marketplace, founded 2010.")
        .stdout_has("campaign-style management")
        .stdout_has("我们不难自其中看到速卖通“运动式管理”的由来");
}

#[test]
fn search_english_label_ranks_exact_match_first() {
    let out = Test::new().args(["search", "--format", "json", "AliExpress"]).run().success();
    let hits = out.json();
    let hits = hits.as_array().expect("hits");
    assert_eq!(hits[0]["iri"], entity("aliexpress"));
    assert_eq!(hits[0]["how"], "exact");
    assert_eq!(hits[0]["score"], 1.0);
    assert!(hits.len() > 1);
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().expect("score")).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "scores not sorted: {scores:?}");
}

#[test]
fn search_chinese_label() {
    let out = Test::new().args(["search", "--format", "json", "蒋凡"]).run().success();
    let hits = out.json();
    assert_eq!(hits[0]["iri"], entity("jiang-fan"));
    assert_eq!(hits[0]["en"], "Jiang Fan");
    assert_eq!(hits[0]["matched"], "蒋凡");
}

#[test]
fn search_chinese_prefix_finds_aliexpress_first() {
    let out = Test::new().args(["search", "--format", "json", "速卖"]).run().success();
    let hits = out.json();
    assert_eq!(hits[0]["iri"], entity("aliexpress"));
    assert_eq!(hits[0]["matched"], "速卖通");
    assert_eq!(hits[0]["how"], "prefix");
}

#[test]
fn search_text_table_shows_both_labels() {
    let out = Test::new().args(["search", "速卖"]).run().success();
    let first = out.stdout.lines().find(|l| l.contains("entity:")).expect("a hit row");
    assert!(first.contains("entity:aliexpress") && first.contains("AliExpress") && first.contains("速卖通"), "{first}");
}

#[test]
fn search_fuzzy_misspelling() {
    let out = Test::new().args(["search", "--format", "json", "Aliexprss"]).run().success();
    let hits = out.json();
    assert_eq!(hits[0]["iri"], entity("aliexpress"));
    assert_eq!(hits[0]["how"], "fuzzy");
    let score = hits[0]["score"].as_f64().expect("score");
    assert!(score > 0.0 && score < 1.0, "{score}");
    let out = Test::new().args(["search", "--format", "json", "Jaing Fan"]).run().success();
    assert_eq!(out.json()[0]["iri"], entity("jiang-fan"));
}

#[test]
fn search_limit_caps_the_hits() {
    let out = Test::new().args(["search", "--format", "json", "--limit", "2", "AliExpress"]).run().success();
    assert_eq!(out.json().as_array().map(Vec::len), Some(2));
}

#[test]
fn search_with_no_hit_exits_1() {
    Test::new().args(["search", "zzzzqqq"]).run().code(1).stderr_has("no entity matches `zzzzqqq`");
}

#[test]
fn figures_read_with_units_and_scale_in_the_chosen_language() {
    let en = Test::new().args(["describe", "AIDC"]).run().success();
    en.stdout_has("Revenue: CNY 37.76 bn (2024-Q4)").stdout_has("Revenue growth: 32 % (2024-Q4)");
    let zh = Test::new().args(["describe", "AIDC", "--lang", "zh"]).run().success();
    zh.stdout_has("营收: 377.56亿元（2024-Q4）").stdout_has("营收增长: 32%（2024-Q4）").stdout_lacks("CNY");
    Test::new()
        .args(["describe", "Choice"])
        .run()
        .success()
        .stdout_has("Share of orders: 70 % (since 2024) in AliExpress")
        .stdout_lacks("percent");
    Test::new().args(["describe", "Taobao", "--lang", "zh"]).run().success().stdout_has("排名: 第2（2025-04-16）");
}
