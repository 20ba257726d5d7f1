//! Behaviours a review of the first version found wanting, each pinned by the real binary:
//! the REPL's `load` and multi-line entry, RDF format names, report parameters and broken
//! report files, shared ancestors, dated evidence on paths, and `check` of a built-in file.

use crate::util::Test;

const MORE: &str = r#"
[[source]]
id = "note"
title = "A note"

[[entity]]
id = "acme"
class = "Company"
en = "Acme"
zh = "阿克米"

[[relation]]
subject = "acme"
property = "operates"
object = "aliexpress"
quote = "Acme runs AliExpress"
"#;

#[test]
fn the_repl_load_command_is_not_sparql_load() {
    Test::new()
        .file("more.toml", MORE)
        .args(["repl"])
        .stdin("load more.toml\nASK { entity:acme sg:operates entity:aliexpress }\n")
        .run()
        .success()
        .stdout_has("true");
}

#[test]
fn a_query_typed_over_two_lines_waits_for_its_where_block() {
    Test::new()
        .args(["repl"])
        .stdin("SELECT ?platform\nWHERE { entity:aidc sg:operates ?platform }\n")
        .run()
        .success()
        .stdout_has("entity:aliexpress");
}

#[test]
fn short_rdf_format_names_are_accepted() {
    let nq = Test::new().args(["dump", "--format", "nq"]).run().success();
    assert!(nq.stdout.lines().all(|l| l.ends_with(" .")), "N-Quads lines");
    Test::new()
        .args(["query", "CONSTRUCT WHERE { entity:aidc sg:operates ?o }", "--graph-format", "nt"])
        .run()
        .success()
        .stdout_has("<https://w3id.org/stratagraph/id/aidc> <https://w3id.org/stratagraph/ontology#operates>");
}

#[test]
fn an_entity_parameter_that_names_nothing_is_an_error_with_suggestions() {
    Test::new()
        .args(["report", "run", "person-role", "--param", "person=Jiang Fen"])
        .run()
        .code(2)
        .stderr_has("unknown entity `Jiang Fen`")
        .stderr_has("Jiang Fan");
}

#[test]
fn one_broken_user_report_does_not_hide_the_others() {
    let good = "# title: Platforms\nSELECT ?p WHERE { ?p a sg:Platform }\n";
    let broken = "# title: Broken\n# param: x\nSELECT ?p WHERE { ?p a sg:Platform \n";
    let list = Test::new()
        .file("mine/good.rq", good)
        .file("mine/broken.rq", broken)
        .args(["report", "list", "--queries", "mine"])
        .run()
        .success()
        .stdout_has("good")
        .stdout_has("choice-history")
        .stderr_has("report `broken` is skipped");
    assert!(!list.stdout.contains("broken"), "{}", list.stdout);
    Test::new()
        .file("mine/good.rq", good)
        .file("mine/broken.rq", broken)
        .args(["report", "run", "good", "--queries", "mine", "--format", "csv"])
        .run()
        .success()
        .stdout_has("https://w3id.org/stratagraph/id/aliexpress");
    Test::new()
        .file("mine/good.rq", good)
        .file("mine/broken.rq", broken)
        .args(["report", "run", "broken", "--queries", "mine"])
        .run()
        .code(2);
}

#[test]
fn the_brief_lists_reports_that_need_parameters_instead_of_failing_them() {
    Test::new()
        .args(["report", "all"])
        .run()
        .success()
        .stdout_has("## Reports that take parameters")
        .stdout_has("`entity-timeline`")
        .stdout_lacks("could not run");
}

#[test]
fn shared_ancestors_climb_only_the_hierarchy() {
    let ancestors = |a: &str, b: &str| -> String {
        let out = Test::new().args(["common", a, b]).run();
        let section = out.stdout.split("shared neighbours").next().unwrap_or_default().to_owned();
        section
    };
    let taobao = ancestors("Taobao", "AliExpress");
    assert!(taobao.contains("Alibaba Group   (1 up from Taobao, 2 up from AliExpress)"), "{taobao}");
    assert!(!taobao.contains("Guangzi Xingqiu"), "a medium is not an ancestor:\n{taobao}");
    assert!(!taobao.contains("Individual sellers"), "sellers are not ancestors:\n{taobao}");
    let choice = ancestors("Choice", "Stone Store");
    assert!(!choice.contains("Jiang Fan"), "who championed Choice is not its ancestor:\n{choice}");
}

#[test]
fn path_evidence_shows_when_a_relation_ended() {
    Test::new()
        .args(["path", "Jiang Fan", "AliExpress", "--via", "people", "--evidence"])
        .run()
        .success()
        .stdout_has("Jiang Fan —heads→ AliExpress  [until 2024-11]");
}

#[test]
fn checking_a_builtin_file_by_path_does_not_meet_its_own_entities() {
    let data = crate::util::repo().join("data/woshipm-6207665.toml");
    let out = Test::new().args(["check", data.to_str().unwrap()]).run();
    assert!(!out.stderr.contains("already in the store"), "{}", out.stderr);
    assert!(!out.stdout.contains("already in the store"), "{}", out.stdout);
}
