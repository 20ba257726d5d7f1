//! The built-in saved reports (`queries/*.rq`), each run through `report run NAME --format
//! json` on the built-in article data: every report answers with the rows the article
//! supports, English and Chinese labels side by side, the quote and the source date of each
//! fact, in a stable order; parameters are bound with `--param`; `data-quality` finds
//! nothing in the built-in data and finds the problems of a deliberately bad file.

use crate::util::{entity, Test};

/// The article every built-in fact comes from.
const SOURCE_DATE: &str = "2025-04-21";
const SOURCE: &str = "https://w3id.org/stratagraph/id/woshipm-6207665";

/// Every built-in report.
const REPORTS: &[&str] = &[
    "alibaba-structure",
    "aliexpress-timeline",
    "app-store-chart-2025-04",
    "attributed-claims",
    "business-models",
    "choice-history",
    "competition",
    "competitor-moves",
    "data-quality",
    "entities-per-class",
    "entity-facts",
    "entity-timeline",
    "figures",
    "person-role",
    "pop-merchant-policies",
    "sources",
    "supply-chain-into-choice",
    "taobao-vs-aliexpress",
];

/// Runs a built-in report as SPARQL JSON and returns the cells of `vars`, row by row.
#[track_caller]
fn report(name: &str, params: &[&str], vars: &[&str]) -> Vec<Vec<String>> {
    let mut args = vec!["report", "run", name, "--format", "json", "--all-columns"];
    for param in params {
        args.push("--param");
        args.push(param);
    }
    let out = Test::new().args(args).run().success();
    let json = out.json();
    let head: Vec<&str> = json["head"]["vars"]
        .as_array()
        .unwrap_or_else(|| panic!("no head in:\n{}", out.stdout))
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    for var in vars {
        assert!(head.contains(var), "report {name} has no column {var}; it has {head:?}");
    }
    out.rows(vars)
}

/// Converts expected cells for comparison with a row.
fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

#[track_caller]
fn assert_has(rows: &[Vec<String>], expected: &[&str]) {
    let expected = row(expected);
    assert!(rows.contains(&expected), "no row {expected:?} among:\n{rows:#?}");
}

/// Every fact row carries a quote and the article's publication date.
#[track_caller]
fn assert_quoted(rows: &[Vec<String>], quote: usize, date: usize) {
    for r in rows {
        assert!(!r[quote].is_empty(), "a row without its quote: {r:?}");
        assert_eq!(r[date], SOURCE_DATE, "a row without the source date: {r:?}");
    }
}

#[test]
fn every_built_in_report_is_listed() {
    let out = Test::new().args(["report", "list"]).run().success();
    for name in REPORTS {
        assert!(out.stdout.contains(name), "report list lacks {name}:\n{}", out.stdout);
    }
    let out = out.stdout_has("person=entity:jiang-fan").stdout_has("entity (required)");
    assert!(!out.stdout.contains("could not"), "{}", out.stdout);
}

#[test]
fn alibaba_structure_climbs_from_units_to_alibaba() {
    let rows = report(
        "alibaba-structure",
        &[],
        &[
            "level",
            "subject_en",
            "subject_zh",
            "relation_en",
            "relation_zh",
            "object_en",
            "object_zh",
            "start",
            "quote",
            "source_date",
            "source",
        ],
    );
    assert_eq!(rows.len(), 10, "{rows:#?}");
    assert_quoted(&rows, 8, 9);
    assert!(rows.iter().all(|r| r[10] == SOURCE));
    assert_has(
        &rows,
        &[
            "1",
            "Alibaba International Digital Commerce Group",
            "阿里国际",
            "is part of",
            "隶属于",
            "Alibaba Group",
            "阿里",
            "",
            "阿里国际（AIDC）",
            SOURCE_DATE,
            SOURCE,
        ],
    );
    assert_has(
        &rows,
        &[
            "2",
            "Alibaba Group",
            "阿里",
            "established",
            "设立",
            "Taotian Overseas",
            "淘天海外",
            "2016",
            "2016年，阿里成立淘天海外业务",
            SOURCE_DATE,
            SOURCE,
        ],
    );
    assert_has(
        &rows,
        &[
            "2",
            "Alibaba International Digital Commerce Group",
            "阿里国际",
            "operates",
            "运营",
            "AliExpress",
            "速卖通",
            "",
            "阿里国际（AIDC）旗下跨境平台速卖通",
            SOURCE_DATE,
            SOURCE,
        ],
    );
    assert_has(
        &rows,
        &[
            "3",
            "AliExpress",
            "速卖通",
            "operates",
            "运营",
            "Stone Store",
            "石头店",
            "",
            "速卖通平台自营店（Stone Store）",
            SOURCE_DATE,
            SOURCE,
        ],
    );
    let levels: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(levels, ["1", "1", "1", "1", "1", "2", "2", "2", "2", "3"], "ordered by level");
}

#[test]
fn aliexpress_timeline_runs_from_2010_to_april_2025() {
    let rows = report(
        "aliexpress-timeline",
        &[],
        &[
            "date",
            "event",
            "subject_en",
            "subject_zh",
            "property_en",
            "object_en",
            "object_zh",
            "value",
            "speaker_en",
            "quote",
            "source_date",
        ],
    );
    assert_eq!(rows.len(), 25, "{rows:#?}");
    assert_quoted(&rows, 9, 10);
    assert_eq!(
        rows[0],
        row(&[
            "2010",
            "attribute",
            "AliExpress",
            "速卖通",
            "founding date",
            "",
            "",
            "2010",
            "",
            "成立于2010年的速卖通",
            SOURCE_DATE
        ])
    );
    let dates: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    let mut sorted = dates.clone();
    sorted.sort_unstable();
    assert_eq!(dates, sorted, "in date order");
    assert_has(
        &rows,
        &["2015", "ends", "AliExpress", "速卖通", "adopts model", "C2C", "C2C", "", "", "由C2C转向B2C", SOURCE_DATE],
    );
    assert_has(
        &rows,
        &[
            "2023-03",
            "starts",
            "AliExpress",
            "速卖通",
            "launched",
            "Choice",
            "Choice",
            "",
            "",
            "2023年3月起，主打托管的Choice业务逐市场铺开",
            SOURCE_DATE,
        ],
    );
    assert_has(
        &rows,
        &[
            "2024-09",
            "starts",
            "AliExpress",
            "速卖通",
            "launched",
            "Dual-track model (POP and managed given equal weight)",
            "双轨驱动模式",
            "",
            "",
            "去年9月，其宣布将POP权重提升至与托管业务并重的“双轨驱动模式”",
            SOURCE_DATE,
        ],
    );
    assert_has(
        &rows,
        &[
            "2024-11",
            "ends",
            "Jiang Fan",
            "蒋凡",
            "heads",
            "AliExpress",
            "速卖通",
            "",
            "",
            "只是其曾执掌的速卖通距离打通国内的供应链",
            SOURCE_DATE,
        ],
    );
    assert_has(
        &rows,
        &[
            "2025-04",
            "figure",
            "AliExpress",
            "速卖通",
            "Chart rank",
            "",
            "",
            "15",
            "",
            "反观速卖通则在同一榜单上“屈居”15名",
            SOURCE_DATE,
        ],
    );
    assert_has(
        &rows,
        &[
            "2025-04",
            "starts",
            "Taobao",
            "淘宝",
            "outperformed",
            "AliExpress",
            "速卖通",
            "",
            "An industry insider (anonymous)",
            "这才让淘宝有机会“趁虚而入”",
            SOURCE_DATE,
        ],
    );
    // A figure measured within AliExpress counts too: Choice's share of its orders.
    assert_has(
        &rows,
        &[
            "2024",
            "figure",
            "Choice",
            "Choice",
            "Share of orders",
            "",
            "",
            "70",
            "",
            "直至2024年中起占比70%",
            SOURCE_DATE,
        ],
    );
    assert!(rows.iter().all(|r| !r[0].is_empty()), "only dated facts");
}

#[test]
fn choice_history_puts_dated_facts_first() {
    let rows = report(
        "choice-history",
        &[],
        &[
            "date",
            "why",
            "subject_en",
            "subject_zh",
            "property_en",
            "object_en",
            "value",
            "unit",
            "context_en",
            "context_zh",
            "quote",
            "source_date",
        ],
    );
    assert_eq!(rows.len(), 13, "{rows:#?}");
    assert_quoted(&rows, 10, 11);
    let dates: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(&dates[..5], ["2023-03", "2023-03", "2023-03", "2024", "2024-09"]);
    assert!(dates[5..].iter().all(|d| d.is_empty()), "undated facts come last: {dates:?}");
    assert_has(
        &rows,
        &[
            "2024",
            "Choice",
            "Choice",
            "Choice",
            "Share of orders",
            "",
            "70",
            "percent",
            "AliExpress",
            "速卖通",
            "直至2024年中起占比70%",
            SOURCE_DATE,
        ],
    );
    assert_has(
        &rows,
        &[
            "2023-03",
            "Choice",
            "Choice",
            "Choice",
            "start date",
            "",
            "2023-03",
            "",
            "",
            "",
            "2023年3月起，主打托管的Choice业务逐市场铺开",
            SOURCE_DATE,
        ],
    );
    assert_has(
        &rows,
        &[
            "",
            "Choice",
            "Jiang Fan",
            "蒋凡",
            "championed",
            "Choice",
            "",
            "",
            "",
            "",
            "力排众议发展Choice托管业务",
            SOURCE_DATE,
        ],
    );
    assert_has(
        &rows,
        &[
            "2024-09",
            "Choice's business model",
            "AliExpress",
            "速卖通",
            "launched",
            "Dual-track model (POP and managed given equal weight)",
            "",
            "",
            "",
            "",
            "去年9月，其宣布将POP权重提升至与托管业务并重的“双轨驱动模式”",
            SOURCE_DATE,
        ],
    );
}

#[test]
fn supply_chain_into_choice_has_two_tiers() {
    let rows = report(
        "supply-chain-into-choice",
        &[],
        &[
            "tier",
            "supplier_en",
            "supplier_zh",
            "feeds_en",
            "feeds_zh",
            "property_en",
            "stated_en",
            "quote",
            "source_date",
        ],
    );
    assert_eq!(
        rows,
        vec![
            row(&[
                "1",
                "1688overseas",
                "1688overseas",
                "Choice",
                "Choice",
                "supplies",
                "1688overseas supplies Choice",
                "其模式是由国内工厂直接向速卖通Choice供货",
                SOURCE_DATE
            ]),
            row(&[
                "1",
                "Factories and traders on 1688",
                "工厂与贸易商",
                "Choice",
                "Choice",
                "supplies",
                "Factories and traders on 1688 supplies Choice",
                "由国内工厂直接向速卖通Choice供货",
                SOURCE_DATE
            ]),
            row(&[
                "1",
                "Fully-managed merchants",
                "全托商家",
                "Choice",
                "Choice",
                "supplies",
                "Fully-managed merchants supplies Choice",
                "商家需严格遵守备货、发货时效，以及让渡部分甚至全部定价权",
                SOURCE_DATE
            ]),
            // copiesProductsFrom is read backwards: products flow from POP merchants.
            row(&[
                "2",
                "POP merchants (AliExpress)",
                "POP商家",
                "Fully-managed merchants",
                "全托商家",
                "copies products from",
                "Fully-managed merchants copies products from POP merchants (AliExpress)",
                "从被全托商家跟款铺货",
                SOURCE_DATE
            ]),
        ]
    );
}

#[test]
fn app_store_chart_lists_ranks_side_by_side() {
    let rows = report(
        "app-store-chart-2025-04",
        &[],
        &[
            "rank",
            "platform_en",
            "platform_zh",
            "date",
            "quote",
            "days_on_top",
            "reviews",
            "reviews_qualifier",
            "source_date",
        ],
    );
    assert_eq!(
        rows,
        vec![
            row(&[
                "1",
                "DHgate",
                "敦煌网",
                "2025-04",
                "敦煌网成为霸榜3天的最大赢家",
                "3",
                "500000",
                "over",
                SOURCE_DATE
            ]),
            row(&[
                "2",
                "Taobao",
                "淘宝",
                "2025-04-16",
                "淘宝快速冲上了美区App Store购物免费下载榜第二",
                "",
                "7000",
                "over",
                SOURCE_DATE
            ]),
            row(&[
                "4",
                "Alibaba.com",
                "阿里国际站",
                "2025-04-18",
                "阿里国际站亦冲进美区App Store购物免费下载榜第四",
                "",
                "",
                "",
                SOURCE_DATE
            ]),
            row(&[
                "9",
                "Temu",
                "Temu",
                "2025-04-18",
                "两者在美区App Store购物免费下载榜的排名分别排行第9、第10",
                "",
                "",
                "",
                SOURCE_DATE
            ]),
            row(&[
                "10",
                "SHEIN",
                "SHEIN",
                "2025-04-18",
                "两者在美区App Store购物免费下载榜的排名分别排行第9、第10",
                "",
                "",
                "",
                SOURCE_DATE
            ]),
            row(&[
                "15",
                "AliExpress",
                "速卖通",
                "2025-04",
                "反观速卖通则在同一榜单上“屈居”15名",
                "",
                "500000",
                "about",
                SOURCE_DATE
            ]),
        ]
    );
}

#[test]
fn competitor_moves_cover_temu_shein_and_dhgate_only() {
    let rows = report(
        "competitor-moves",
        &[],
        &[
            "competitor_en",
            "competitor_zh",
            "kind",
            "start",
            "property_en",
            "object_en",
            "value",
            "unit",
            "qualifier",
            "quote",
            "source_date",
        ],
    );
    assert_eq!(rows.len(), 27, "{rows:#?}");
    assert_quoted(&rows, 9, 10);
    for r in &rows {
        assert!(
            matches!((r[0].as_str(), r[1].as_str()), ("Temu", "Temu") | ("SHEIN", "SHEIN") | ("DHgate", "敦煌网")),
            "not a competitor: {r:?}"
        );
    }
    assert_has(
        &rows,
        &[
            "DHgate",
            "敦煌网",
            "relation",
            "2020",
            "launched",
            "KOL marketing",
            "",
            "",
            "",
            "早在2020年开始发力KOL营销的敦煌网",
            SOURCE_DATE,
        ],
    );
    assert_has(
        &rows,
        &[
            "DHgate",
            "敦煌网",
            "figure",
            "2025-04",
            "Chart rank",
            "",
            "1",
            "rank",
            "exact",
            "敦煌网成为霸榜3天的最大赢家",
            SOURCE_DATE,
        ],
    );
    assert_has(
        &rows,
        &[
            "Temu",
            "Temu",
            "figure",
            "2025-04-18",
            "Chart rank",
            "",
            "9",
            "rank",
            "exact",
            "两者在美区App Store购物免费下载榜的排名分别排行第9、第10",
            SOURCE_DATE,
        ],
    );
    assert_has(
        &rows,
        &[
            "SHEIN",
            "SHEIN",
            "figure",
            "2025-04",
            "Sales growth",
            "",
            "30",
            "percent",
            "over",
            "Temu与SHEIN销售额同比增长3成以上",
            SOURCE_DATE,
        ],
    );
    assert_has(
        &rows,
        &[
            "Temu",
            "Temu",
            "relation",
            "2025-03",
            "launched",
            "Temu POP merchant recruitment",
            "",
            "",
            "",
            "Temu也于今年3月开启POP招商",
            SOURCE_DATE,
        ],
    );
    let competitors: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(competitors.first(), Some(&"DHgate"));
    assert_eq!(competitors.last(), Some(&"Temu"));
}

#[test]
fn pop_merchant_policies_show_launch_and_effects() {
    let rows = report(
        "pop-merchant-policies",
        &[],
        &[
            "program_en",
            "program_zh",
            "target_en",
            "launched_by_en",
            "launched_by_zh",
            "launch_date",
            "effect_kind",
            "effect_property_en",
            "effect_subject_en",
            "effect_value",
            "effect_unit",
            "effect_speaker_en",
            "effect_quote",
            "target_quote",
            "source_date",
        ],
    );
    assert_eq!(rows.len(), 10, "{rows:#?}");
    for r in &rows {
        assert!(r[2].contains("POP"), "aimed at POP merchants: {r:?}");
        assert_eq!(r[3], "AliExpress", "every one is AliExpress's: {r:?}");
        assert!(!r[13].is_empty() && r[14] == SOURCE_DATE, "{r:?}");
    }
    assert_has(
        &rows,
        &[
            "Off-site promotion (new version)",
            "站外推广",
            "POP merchants (AliExpress)",
            "AliExpress",
            "速卖通",
            "2025-04",
            "figure",
            "Extra subsidy rate",
            "Off-site promotion (new version)",
            "60",
            "percent",
            "",
            "额外补贴最低60%",
            "仅针对POP商家的新版站外推广",
            SOURCE_DATE,
        ],
    );
    assert_has(
        &rows,
        &[
            "Buyer–seller negotiation (expanded merchant scope)",
            "买卖协商",
            "POP merchants (AliExpress)",
            "AliExpress",
            "速卖通",
            "",
            "figure within",
            "After-sales cost saving",
            "Sun Xing (Bluetooth-earphone merchant)",
            "20",
            "percent",
            "Sun Xing (Bluetooth-earphone merchant)",
            "买卖协商在过去一个月内节省了约20%售后成本",
            "扩大买卖协商商家范围",
            SOURCE_DATE,
        ],
    );
    // A program with no reported effect still has its row.
    assert!(rows.iter().any(|r| r[0] == "Flash Push (new-product promotion)" && r[6].is_empty()), "{rows:#?}");
    // Dated launches first.
    assert_eq!(rows[0][5], "2025");
}

#[test]
fn person_role_defaults_to_jiang_fan() {
    let vars = [
        "person",
        "person_en",
        "person_zh",
        "role",
        "start",
        "property_en",
        "property_zh",
        "object_en",
        "object_zh",
        "value",
        "quote",
        "source_date",
    ];
    let rows = report("person-role", &[], &vars);
    assert_eq!(rows.len(), 7, "{rows:#?}");
    assert_quoted(&rows, 10, 11);
    assert!(rows.iter().all(|r| r[0] == entity("jiang-fan") && r[1] == "Jiang Fan" && r[2] == "蒋凡"));
    assert_eq!(
        rows[0],
        row(&[
            &entity("jiang-fan"),
            "Jiang Fan",
            "蒋凡",
            "subject",
            "2024-11-21",
            "championed",
            "力推",
            "One global inventory pool",
            "全球一盘货",
            "",
            "全球一盘货、打通供应链的布局便已展开",
            SOURCE_DATE
        ])
    );
    assert_has(
        &rows,
        &[
            &entity("jiang-fan"),
            "Jiang Fan",
            "蒋凡",
            "subject",
            "2024-11-21",
            "heads",
            "执掌",
            "Alibaba E-commerce Business Group",
            "电商事业群",
            "",
            "自去年11月21日蒋凡执掌电商事业群这盘棋开始",
            SOURCE_DATE,
        ],
    );
    assert_has(
        &rows,
        &[
            &entity("jiang-fan"),
            "Jiang Fan",
            "蒋凡",
            "subject",
            "",
            "heads",
            "执掌",
            "AliExpress",
            "速卖通",
            "",
            "只是其曾执掌的速卖通距离打通国内的供应链",
            SOURCE_DATE,
        ],
    );
    assert_has(
        &rows,
        &[
            &entity("jiang-fan"),
            "Jiang Fan",
            "蒋凡",
            "figure",
            "",
            "Duration in years",
            "年",
            "",
            "",
            "2",
            "“流放”海外两年的蒋凡",
            SOURCE_DATE,
        ],
    );
}

#[test]
fn person_role_takes_another_person_and_shows_what_they_said() {
    let rows = report(
        "person-role",
        &["person=entity:merchant-sun-xing"],
        &["person", "person_zh", "role", "subject_en", "property_en", "value", "unit", "speaker_zh", "quote"],
    );
    assert_eq!(rows.len(), 6, "{rows:#?}");
    assert!(rows.iter().all(|r| r[0] == entity("merchant-sun-xing") && r[1] == "孙兴"));
    assert_has(
        &rows,
        &[
            &entity("merchant-sun-xing"),
            "孙兴",
            "speaker",
            "Quality-inspection report requirement",
            "Cost of a test report per SKU",
            "1000",
            "CNY",
            "孙兴",
            "几乎没有人能为店里每个SKU都配一份几百上千的检测报告",
        ],
    );
    assert_has(
        &rows,
        &[
            &entity("merchant-sun-xing"),
            "孙兴",
            "figure",
            "Sun Xing (Bluetooth-earphone merchant)",
            "Staff saved",
            "1",
            "count",
            "孙兴",
            "预配置的售后方案让他减少了一个售后人员的人力成本",
        ],
    );
}

#[test]
fn figures_lists_every_number_with_its_source() {
    let rows = report(
        "figures",
        &[],
        &[
            "entity_en",
            "entity_zh",
            "metric_en",
            "metric_zh",
            "value",
            "unit",
            "qualifier",
            "date",
            "period",
            "period_start",
            "period_end",
            "speaker_en",
            "quote",
            "source_title",
            "source_date",
        ],
    );
    assert_eq!(rows.len(), 35, "{rows:#?}");
    assert_quoted(&rows, 12, 14);
    assert!(rows.iter().all(|r| r[13] == "淘宝火了，关速卖通什么事？"));
    assert!(
        rows.iter().all(|r| ["exact", "about", "over", "under"].contains(&r[6].as_str())),
        "qualifier defaults to exact"
    );
    assert_has(
        &rows,
        &[
            "Alibaba International Digital Commerce Group",
            "阿里国际",
            "Revenue",
            "营收",
            "37756000000",
            "CNY",
            "exact",
            "",
            "2024-Q4",
            "2024-10-01",
            "2024-12-31",
            "",
            "AIDC于去年Q4营收377.56亿元人民币",
            "淘宝火了，关速卖通什么事？",
            SOURCE_DATE,
        ],
    );
    assert_has(
        &rows,
        &[
            "Stone Store",
            "石头店",
            "Top search-result links held",
            "搜索中的前20条链接",
            "20",
            "count",
            "exact",
            "2025-04",
            "",
            "",
            "",
            "A semi-managed merchant (anonymous)",
            "某半托商家称自己做的类目在搜索中的前20条链接均是石头店链接",
            "淘宝火了，关速卖通什么事？",
            SOURCE_DATE,
        ],
    );
    assert_has(
        &rows,
        &[
            "Taobao",
            "淘宝",
            "Chart rank",
            "排名",
            "2",
            "rank",
            "exact",
            "2025-04-16",
            "",
            "",
            "",
            "",
            "淘宝快速冲上了美区App Store购物免费下载榜第二",
            "淘宝火了，关速卖通什么事？",
            SOURCE_DATE,
        ],
    );
    assert_eq!(rows[0][0], "10-Billion Subsidy (brand going-global)", "ordered by entity");
}

#[test]
fn attributed_claims_name_their_speakers() {
    let rows = report(
        "attributed-claims",
        &[],
        &[
            "speaker_en",
            "speaker_zh",
            "speaker_kind_en",
            "speaker_kind_zh",
            "kind",
            "start",
            "subject_en",
            "property_en",
            "object_en",
            "value",
            "quote",
            "source_date",
        ],
    );
    assert_eq!(rows.len(), 18, "{rows:#?}");
    assert_quoted(&rows, 10, 11);
    assert!(rows.iter().all(|r| !r[0].is_empty() && !r[1].is_empty()), "every row has a speaker");
    assert_has(
        &rows,
        &[
            "An industry insider (anonymous)",
            "一位业内人士",
            "Person",
            "人物",
            "relation",
            "2025-04",
            "Taobao",
            "outperformed",
            "AliExpress",
            "",
            "这才让淘宝有机会“趁虚而入”",
            SOURCE_DATE,
        ],
    );
    assert_has(
        &rows,
        &[
            "LatePost",
            "晚点LatePost",
            "Medium",
            "媒体",
            "relation",
            "2025",
            "Alibaba E-commerce Business Group",
            "launched",
            "Growth as top priority",
            "",
            "阿里电商事业群优先级最高的战略是“增长”",
            SOURCE_DATE,
        ],
    );
    assert_has(
        &rows,
        &[
            "Several merchants (anonymous)",
            "不只一位商家",
            "Merchant",
            "商家",
            "relation",
            "",
            "Stone Store",
            "copies products from",
            "POP merchants (AliExpress)",
            "",
            "“POP测出来的爆品，就会在上面出现”",
            SOURCE_DATE,
        ],
    );
    assert_has(&rows, &["Unnamed commentators (“some argue”)", "有观点认为", "Person", "人物", "attribute", "", "Brands going global", "description", "",
        "Changes in the international environment are an important reason for AliExpress's shift from product going-global to brand going-global.",
        "有观点认为，国际环境变化也是推动速卖通从“商品出海”转向“品牌出海”的重要原因", SOURCE_DATE]);
    let speakers: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    let mut sorted = speakers.clone();
    sorted.sort_unstable();
    assert_eq!(speakers, sorted, "grouped by speaker");
}

#[test]
fn entities_per_class_counts_direct_and_inherited_members() {
    let rows = report("entities-per-class", &[], &["class_en", "class_zh", "entities", "with_subclasses", "class"]);
    assert_eq!(rows.len(), 19, "{rows:#?}");
    assert_eq!(rows[0], row(&["Metric", "指标", "20", "20", "https://w3id.org/stratagraph/ontology#Metric"]));
    assert_has(&rows, &["Platform", "平台", "11", "15", "https://w3id.org/stratagraph/ontology#Platform"]);
    assert_has(&rows, &["Merchant", "商家", "19", "19", "https://w3id.org/stratagraph/ontology#Merchant"]);
    assert_has(&rows, &["Person", "人物", "9", "9", "https://w3id.org/stratagraph/ontology#Person"]);
    assert_has(&rows, &["Organization", "组织", "0", "24", "https://w3id.org/stratagraph/ontology#Organization"]);
    assert!(
        !rows.iter().any(|r| r[0] == "Claim" || r[0] == "Metric observation" || r[0] == "Source document"),
        "facts are not entities"
    );
}

#[test]
fn data_quality_is_clean_on_the_built_in_data() {
    let rows = report("data-quality", &[], &["problem", "node", "about_en", "about_zh", "quote", "source_date"]);
    assert!(rows.is_empty(), "the built-in data has problems:\n{rows:#?}");
}

/// Facts and entities with one problem each, as RDF (the fact loader refuses most of them).
const BAD_TTL: &str = r#"
@prefix sg: <https://w3id.org/stratagraph/ontology#> .
@prefix entity: <https://w3id.org/stratagraph/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
entity:only-english a sg:Platform ; rdfs:label "Only English"@en .
entity:only-chinese a sg:Platform ; rdfs:label "只有中文"@zh .
entity:bare-claim a sg:Claim ; rdf:subject entity:only-english ; rdf:predicate sg:competesWith ; rdf:object entity:only-chinese .
entity:only-english sg:competesWith entity:only-chinese .
entity:bare-figure a sg:MetricObservation ; sg:observationOf entity:only-chinese ; sg:metric entity:chart-rank ;
    sg:value 3 ; sg:unit "rank" ; sg:quote "排名第三"@zh .
"#;

#[test]
fn data_quality_reports_one_row_per_problem() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("store");
    let store = store.to_str().expect("UTF-8 temp path");
    Test::new().file("bad.ttl", BAD_TTL).args(["load", "bad.ttl", "--store", store]).run().success();
    let out = Test::new()
        .args(["report", "run", "data-quality", "--store", store, "--format", "json", "--all-columns"])
        .run()
        .success();
    let rows = out.rows(&["problem", "node", "about_en", "about_zh", "quote"]);
    assert_eq!(
        rows,
        vec![
            row(&["claim without quote", &entity("bare-claim"), "Only English", "", ""]),
            row(&["claim without source", &entity("bare-claim"), "Only English", "", ""]),
            row(&["entity without Chinese label", &entity("only-english"), "Only English", "", ""]),
            row(&["entity without English label", &entity("only-chinese"), "", "只有中文", ""]),
            row(&["figure without source", &entity("bare-figure"), "", "只有中文", "排名第三"]),
        ]
    );
}

#[test]
fn entity_facts_needs_its_entity() {
    Test::new().args(["report", "run", "entity-facts", "--format", "json"]).run().code(2).stderr_has("entity");
}

#[test]
fn entity_facts_lists_claims_and_figures_about_choice() {
    let rows = report(
        "entity-facts",
        &["entity=entity:choice"],
        &[
            "entity",
            "entity_en",
            "entity_zh",
            "role",
            "subject_en",
            "property_en",
            "object_en",
            "value",
            "unit",
            "context_en",
            "start",
            "quote",
            "source_date",
            "source",
        ],
    );
    assert_eq!(rows.len(), 11, "{rows:#?}");
    assert_quoted(&rows, 11, 12);
    assert!(rows.iter().all(|r| r[0] == entity("choice") && r[1] == "Choice" && r[2] == "Choice" && r[13] == SOURCE));
    let roles: Vec<&str> = rows.iter().map(|r| r[3].as_str()).collect();
    assert_eq!(
        roles,
        [
            "subject", "subject", "subject", "subject", "subject", "object", "object", "object", "object", "object",
            "figure"
        ]
    );
    assert_has(
        &rows,
        &[
            &entity("choice"),
            "Choice",
            "Choice",
            "object",
            "AliExpress",
            "launched",
            "Choice",
            "",
            "",
            "",
            "2023-03",
            "2023年3月起，主打托管的Choice业务逐市场铺开",
            SOURCE_DATE,
            SOURCE,
        ],
    );
    assert_has(
        &rows,
        &[
            &entity("choice"),
            "Choice",
            "Choice",
            "figure",
            "Choice",
            "Share of orders",
            "",
            "70",
            "percent",
            "AliExpress",
            "2024",
            "直至2024年中起占比70%",
            SOURCE_DATE,
            SOURCE,
        ],
    );
    assert_has(
        &rows,
        &[
            &entity("choice"),
            "Choice",
            "Choice",
            "subject",
            "Choice",
            "squeezes",
            "POP merchants (AliExpress)",
            "",
            "",
            "",
            "",
            "在流量、展示等权益上遭到Choice的挤压",
            SOURCE_DATE,
            SOURCE,
        ],
    );
}

#[test]
fn entity_timeline_dates_one_entity() {
    let rows = report(
        "entity-timeline",
        &["entity=entity:jiang-fan"],
        &["entity", "entity_zh", "date", "event", "property_en", "object_en", "object_zh", "quote", "source_date"],
    );
    assert_eq!(
        rows,
        vec![
            row(&[
                &entity("jiang-fan"),
                "蒋凡",
                "2024-11",
                "ends",
                "heads",
                "AliExpress",
                "速卖通",
                "只是其曾执掌的速卖通距离打通国内的供应链",
                SOURCE_DATE
            ]),
            row(&[
                &entity("jiang-fan"),
                "蒋凡",
                "2024-11",
                "ends",
                "is a member of",
                "Alibaba International Digital Commerce Group",
                "阿里国际",
                "“流放”海外两年的蒋凡",
                SOURCE_DATE
            ]),
            row(&[
                &entity("jiang-fan"),
                "蒋凡",
                "2024-11-21",
                "starts",
                "championed",
                "One global inventory pool",
                "全球一盘货",
                "全球一盘货、打通供应链的布局便已展开",
                SOURCE_DATE
            ]),
            row(&[
                &entity("jiang-fan"),
                "蒋凡",
                "2024-11-21",
                "starts",
                "heads",
                "Alibaba E-commerce Business Group",
                "电商事业群",
                "自去年11月21日蒋凡执掌电商事业群这盘棋开始",
                SOURCE_DATE
            ]),
        ]
    );
    let aliexpress = report("entity-timeline", &["entity=entity:aliexpress"], &["date", "quote"]);
    assert_eq!(
        aliexpress,
        report("aliexpress-timeline", &[], &["date", "quote"]),
        "the AliExpress timeline is the general one for AliExpress"
    );
}

#[test]
fn business_models_show_the_c2c_to_b2c_switch() {
    let rows = report(
        "business-models",
        &[],
        &[
            "model_en",
            "model_zh",
            "adopter_en",
            "adopter_zh",
            "adopter_class_en",
            "start",
            "end",
            "speaker_en",
            "quote",
            "source_date",
        ],
    );
    assert_eq!(rows.len(), 16, "{rows:#?}");
    assert_quoted(&rows, 8, 9);
    assert_has(
        &rows,
        &[
            "B2C",
            "B2C",
            "AliExpress",
            "速卖通",
            "Platform",
            "2015",
            "",
            "",
            "其于2015年因个人卖家难以保障商品质量而由C2C转向B2C",
            SOURCE_DATE,
        ],
    );
    assert_has(&rows, &["C2C", "C2C", "AliExpress", "速卖通", "Platform", "", "2015", "", "由C2C转向B2C", SOURCE_DATE]);
    assert_has(
        &rows,
        &[
            "Self-operated (first-party)",
            "自营",
            "Stone Store",
            "石头店",
            "Store",
            "",
            "",
            "",
            "其作为官方直营",
            SOURCE_DATE,
        ],
    );
    assert_has(
        &rows,
        &[
            "POP (open marketplace)",
            "POP",
            "Temu",
            "Temu",
            "Platform",
            "2025-03",
            "",
            "",
            "面对流量与单量更具规模的Temu杀入POP领域",
            SOURCE_DATE,
        ],
    );
}

#[test]
fn competition_map_keeps_views_apart_from_facts() {
    let rows = report(
        "competition",
        &[],
        &[
            "subject_en",
            "subject_zh",
            "relation_en",
            "relation_zh",
            "object_en",
            "object_zh",
            "start",
            "speaker_en",
            "quote",
            "source_date",
        ],
    );
    assert_eq!(rows.len(), 19, "{rows:#?}");
    assert_quoted(&rows, 8, 9);
    assert_has(
        &rows,
        &[
            "Taotian Overseas",
            "淘天海外",
            "competes with",
            "竞争",
            "AliExpress",
            "速卖通",
            "2024",
            "Commentators at the time (2024)",
            "彼时已有声音认为其存在与淘天海外内部“打擂”的可能",
            SOURCE_DATE,
        ],
    );
    assert_has(
        &rows,
        &[
            "Choice",
            "Choice",
            "squeezes",
            "挤压",
            "POP merchants (AliExpress)",
            "POP商家",
            "",
            "",
            "在流量、展示等权益上遭到Choice的挤压",
            SOURCE_DATE,
        ],
    );
    let relations: Vec<&str> = rows.iter().map(|r| r[2].as_str()).collect();
    assert!(
        relations.iter().all(|r| ["competes with", "complements", "outperformed", "squeezes"].contains(r)),
        "{relations:?}"
    );
}

#[test]
fn sources_count_what_each_article_gave() {
    let rows = report(
        "sources",
        &[],
        &[
            "source",
            "title",
            "title_en",
            "author_en",
            "author_zh",
            "publisher_zh",
            "date",
            "url",
            "claims",
            "attributed_claims",
            "figures",
        ],
    );
    assert_eq!(
        rows,
        vec![row(&[
            SOURCE,
            "淘宝火了，关速卖通什么事？",
            "Taobao is hot abroad: what does it mean for AliExpress?",
            "Guangzi Xingqiu (Photon Planet)",
            "光子星球",
            "人人都是产品经理",
            SOURCE_DATE,
            "https://www.woshipm.com/it/6207665.html",
            "199",
            "14",
            "35",
        ])]
    );
}

#[test]
fn taobao_vs_aliexpress_pairs_the_same_aspects() {
    let rows = report(
        "taobao-vs-aliexpress",
        &[],
        &[
            "aspect",
            "property_en",
            "object_en",
            "object_zh",
            "left_en",
            "left_zh",
            "left_value",
            "left_quote",
            "right_en",
            "right_zh",
            "right_value",
            "right_quote",
            "source_date",
        ],
    );
    assert_eq!(rows.len(), 52, "{rows:#?}");
    assert!(rows.iter().all(|r| r[4] == "Taobao"
        && r[5] == "淘宝"
        && r[8] == "AliExpress"
        && r[9] == "速卖通"
        && r[12] == SOURCE_DATE));
    assert!(rows.iter().all(|r| !r[7].is_empty() || !r[11].is_empty()), "each row quotes at least one side");
    assert_has(
        &rows,
        &[
            "figure",
            "Chart rank",
            "US App Store free shopping-app download chart",
            "美区App Store购物免费下载榜",
            "Taobao",
            "淘宝",
            "2 rank",
            "淘宝快速冲上了美区App Store购物免费下载榜第二",
            "AliExpress",
            "速卖通",
            "15 rank",
            "反观速卖通则在同一榜单上“屈居”15名",
            SOURCE_DATE,
        ],
    );
    assert_has(
        &rows,
        &[
            "relation",
            "is strong in",
            "Apparel",
            "大服饰",
            "Taobao",
            "淘宝",
            "",
            "其最早发展出海的类目便是大服饰",
            "AliExpress",
            "速卖通",
            "",
            "前述服饰与3C数码均是其GMV中占比颇高的优势品类",
            SOURCE_DATE,
        ],
    );
    assert_has(
        &rows,
        &[
            "between them",
            "outperformed",
            "AliExpress",
            "速卖通",
            "Taobao",
            "淘宝",
            "",
            "淘宝抢了速卖通风头的原因",
            "AliExpress",
            "速卖通",
            "",
            "",
            SOURCE_DATE,
        ],
    );
    let aspects: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(aspects.first(), Some(&"relation"));
    assert_eq!(aspects.last(), Some(&"between them"));
}

#[test]
fn every_report_runs_the_same_twice() {
    for name in REPORTS {
        let params: &[&str] = if name.starts_with("entity-") { &["entity=entity:aliexpress"] } else { &[] };
        let mut args = vec!["report", "run", name, "--format", "csv"];
        for p in params {
            args.push("--param");
            args.push(p);
        }
        let first = Test::new().args(args.clone()).run().success();
        let second = Test::new().args(args).run().success();
        assert_eq!(first.stdout, second.stdout, "report {name} is not deterministic");
    }
}

#[test]
fn reports_show_one_label_column_per_entity_in_the_chosen_language_and_no_empty_columns() {
    let csv = |lang: &str| {
        let out = Test::new()
            .args(["report", "run", "aliexpress-timeline", "--format", "csv", "--lang", lang])
            .run()
            .success();
        out.stdout
    };
    let en = csv("en");
    let header = en.lines().next().unwrap();
    assert!(
        header.starts_with("date,event,subject,property,object,value,unit,qualifier,context,speaker,quote"),
        "{header}"
    );
    assert!(!header.contains("_en") && !header.contains("_zh"), "{header}");
    assert!(en.contains("Jiang Fan,heads,AliExpress"), "{en}");
    let zh = csv("zh");
    assert!(zh.contains("蒋凡,执掌,速卖通"), "{zh}");
    // Every kept column has a value somewhere; --all-columns keeps the query's own.
    let all =
        Test::new().args(["report", "run", "aliexpress-timeline", "--format", "csv", "--all-columns"]).run().success();
    assert!(all.stdout.lines().next().unwrap().contains("subject_en,subject_zh"));
}

#[test]
fn wide_reports_fit_the_width_as_records_and_narrow_ones_wrap() {
    let out = Test::new().env("COLUMNS", "90").args(["report", "run", "aliexpress-timeline"]).run().success();
    assert!(out.stdout.lines().all(|l| unicode_width::UnicodeWidthStr::width(l) <= 90), "{}", out.stdout);
    assert!(out.stdout.contains("─[ 1 ]") && out.stdout.contains("subject     │ AliExpress"), "{}", out.stdout);
    assert!(out.stdout.contains("(as records: a table would not fit)"));
    let records = Test::new().args(["report", "run", "choice-history", "--format", "records"]).run().success();
    assert!(records.stdout.contains("─[ 1 ]"), "{}", records.stdout);
    let narrow = Test::new()
        .env("COLUMNS", "60")
        .args(["query", "SELECT ?q WHERE { ?c sg:quote ?q } ORDER BY DESC(STRLEN(?q)) LIMIT 2"])
        .run()
        .success();
    assert!(narrow.stdout.lines().all(|l| unicode_width::UnicodeWidthStr::width(l) <= 60), "{}", narrow.stdout);
    assert!(narrow.stdout.contains('┌'), "a table with wrapped cells: {}", narrow.stdout);
}

#[test]
fn the_brief_has_contents_and_reads_as_html() {
    let out = Test::new().args(["report", "all"]).run().success();
    assert!(
        out.stdout.contains("## Contents\n\n- [Alibaba's structure as the article describes it](#alibaba-structure)"),
        "{}",
        &out.stdout[..600]
    );
    assert!(out.stdout.contains("<a id=\"aliexpress-timeline\"></a>"));
    let out = Test::new().args(["report", "all", "--out", "brief.html"]).run().success().stderr_has("wrote brief.html");
    let html = std::fs::read_to_string(out.dir.join("brief.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..200]);
    assert!(html.contains("<a href=\"#aliexpress-timeline\">AliExpress timeline</a>"));
    assert!(html.contains("<table>") && html.contains("<th>subject</th>"), "tables become HTML tables");
    assert_eq!(html.matches("<table>").count(), html.matches("</table>").count(), "tables are closed");
    assert!(html.trim_end().ends_with("</html>"));
}

/// Cases the fast formulations of `entities-per-class` and `data-quality` could get wrong:
/// a member with two classes under one class, a claim that is also typed as a platform, an
/// entity of a class the ontology does not know, a node outside the id space, labels in a
/// third language, an entity named only by a figure, a source without a date, a fact from
/// an undeclared source, an attributed claim without its plain triple.
const TRICKY_TTL: &str = r#"
@prefix sg: <https://w3id.org/stratagraph/ontology#> .
@prefix entity: <https://w3id.org/stratagraph/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix ex: <http://example.org/> .
entity:two-kinds a sg:Platform , sg:ContentPlatform ; rdfs:label "Two kinds"@en , "两种"@zh .
entity:odd-class a ex:Gadget ; rdfs:label "Odd"@en .
ex:outsider a sg:Platform ; rdfs:label "Outsider"@en , "外人"@zh .
entity:french a sg:Merchant ; rdfs:label "Marchand"@fr , "商户"@zh .
entity:typed-claim a sg:Claim , sg:Platform ; rdf:subject entity:two-kinds ; rdf:predicate sg:competesWith ;
    rdf:object entity:nameless ; prov:wasAttributedTo entity:speaker ; sg:quote "有人说"@zh ;
    prov:wasDerivedFrom entity:undeclared-source .
entity:figure-one a sg:MetricObservation ; sg:observationOf entity:measured ; sg:metric entity:chart-rank ;
    sg:value 1 ; sg:unit "rank" ; sg:quote "第一"@zh ; prov:wasDerivedFrom entity:undated .
entity:undated a sg:SourceDocument .
"#;

/// The saved report and its plain formulation (`tests/reports/NAME.rq`) give the same rows.
#[track_caller]
fn assert_report_matches_reference(name: &str, vars: &[&str], store: Option<&str>) {
    let reference = crate::util::repo().join("tests/reports").join(format!("{name}.rq"));
    let reference = reference.to_str().expect("UTF-8 path");
    let mut report_args = vec!["report", "run", name, "--format", "json", "--all-columns"];
    let mut query_args = vec!["query", "--file", reference, "--format", "json"];
    if let Some(store) = store {
        report_args.extend(["--store", store, "--read-only"]);
        query_args.extend(["--store", store, "--read-only"]);
    }
    let mut ours = Test::new().args(report_args).run().success().rows(vars);
    let mut plain = Test::new().args(query_args).run().success().rows(vars);
    ours.sort();
    plain.sort();
    assert_eq!(ours, plain, "{name} differs from its plain formulation (store {store:?})");
}

#[test]
fn fast_reports_answer_as_their_plain_formulations() {
    let per_class = ["class_en", "class_zh", "entities", "with_subclasses", "class"];
    let quality =
        ["problem", "node", "about_en", "about_zh", "property_en", "property_zh", "quote", "source_date", "source"];
    assert_report_matches_reference("entities-per-class", &per_class, None);
    assert_report_matches_reference("data-quality", &quality, None);
    let dir = tempfile::tempdir().expect("temp dir");
    for (file, text) in [("bad.ttl", BAD_TTL), ("tricky.ttl", TRICKY_TTL)] {
        let store = dir.path().join(file.replace('.', "-"));
        let store = store.to_str().expect("UTF-8 temp path");
        Test::new().file(file, text).args(["load", file, "--store", store]).run().success();
        assert_report_matches_reference("entities-per-class", &per_class, Some(store));
        assert_report_matches_reference("data-quality", &quality, Some(store));
    }
    // A generated graph of facts with quotes, claims and figures, without the article.
    let generated = dir.path().join("generated");
    let generated = generated.to_str().expect("UTF-8 temp path");
    let facts = dir.path().join("gen.toml");
    let facts = facts.to_str().expect("UTF-8 temp path");
    Test::new()
        .args(["gen", "--entities", "300", "--seed", "3", "--format", "facts", "-o", facts, "-q"])
        .run()
        .success();
    Test::new().args(["--bare", "load", facts, "--store", generated]).run().success();
    assert_report_matches_reference("entities-per-class", &per_class, Some(generated));
    assert_report_matches_reference("data-quality", &quality, Some(generated));
}

#[test]
fn tricky_store_has_the_expected_problems_and_counts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("store");
    let store = store.to_str().expect("UTF-8 temp path");
    Test::new().file("tricky.ttl", TRICKY_TTL).args(["load", "tricky.ttl", "--store", store]).run().success();
    let rows = Test::new()
        .args(["report", "run", "entities-per-class", "--store", store, "--format", "json", "--all-columns"])
        .run()
        .success()
        .rows(&["class", "entities", "with_subclasses"]);
    let sg = |local: &str| format!("https://w3id.org/stratagraph/ontology#{local}");
    // two-kinds counts once under Platform though it has two classes under it; the claim
    // typed as a platform is a fact, not an entity.
    let platform = rows.iter().find(|r| r[0] == sg("Platform")).expect("a Platform row");
    let content = rows.iter().find(|r| r[0] == sg("ContentPlatform")).expect("a ContentPlatform row");
    let builtin = report("entities-per-class", &[], &["class", "entities", "with_subclasses"]);
    let builtin_of =
        |class: &str| builtin.iter().find(|r| r[0] == sg(class)).expect("a class of the built-in data").clone();
    let builtin_platforms = builtin_of("Platform");
    let count = |r: &[String], i: usize| r[i].parse::<usize>().expect("a count");
    let builtin_content = builtin_of("ContentPlatform");
    assert_eq!(
        (count(content, 1), count(content, 2)),
        (count(&builtin_content, 1) + 1, count(&builtin_content, 2) + 1)
    );
    assert_eq!(count(platform, 1), count(&builtin_platforms, 1) + 2, "two-kinds and ex:outsider");
    assert_eq!(count(platform, 2), count(&builtin_platforms, 2) + 2);
    assert!(rows.iter().any(|r| r[0] == "http://example.org/Gadget"), "an entity's own class counts: {rows:?}");
    let problems = Test::new()
        .args(["report", "run", "data-quality", "--store", store, "--format", "json", "--all-columns"])
        .run()
        .success()
        .rows(&["problem", "node"]);
    for expected in [
        ["entity without English label".to_owned(), entity("french")],
        ["entity without Chinese label".to_owned(), entity("odd-class")],
        ["entity without class".to_owned(), entity("measured")],
        ["entity without class".to_owned(), entity("speaker")],
        ["source without publication date".to_owned(), entity("undated")],
        ["fact from an undeclared source".to_owned(), entity("typed-claim")],
    ] {
        assert!(problems.contains(&expected.to_vec()), "no {expected:?} among {problems:#?}");
    }
    assert!(!problems.iter().any(|r| r[1] == "http://example.org/outsider"), "outside the id space: {problems:#?}");
    assert!(!problems.iter().any(|r| r[1] == entity("typed-claim") && r[0].starts_with("entity")), "a claim is a fact");
}
