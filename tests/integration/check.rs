//! `check`: good fact files pass with a summary; every kind of mistake exits 2 and is
//! located as file:line:col; BOM and CRLF files are accepted; quotes are verified against
//! the source text.

use crate::util::{Outcome, Test};

/// A valid fact file whose source text sits next to it as `article.txt`.
const GOOD: &str = r#"[[source]]
id = "test-source"
title = "A test article"
date = "2025-05-01"
language = "en"
text = "article.txt"

[[entity]]
id = "acme"
class = "Company"
en = "Acme"
zh = "阿克米"

[[entity]]
id = "acme-market"
class = "Platform"
en = "Acme Market"
zh = "阿克米市场"

[[relation]]
subject = "acme"
property = "operates"
object = "acme-market"
quote = "Acme runs Acme Market"

[[attribute]]
subject = "acme-market"
property = "schema:foundingDate"
value = "2019"
quote = "founded in 2019"
"#;

const ARTICLE: &str = "In this story Acme runs Acme Market, which was founded in 2019.\n";

/// Checks `contents` saved as bad.toml, with the article beside it.
fn check(contents: impl AsRef<[u8]>) -> Outcome {
    Test::new().file("bad.toml", contents).file("article.txt", ARTICLE).args(["check", "bad.toml"]).run()
}

/// GOOD with one text replaced (which must occur).
fn good_with(from: &str, to: &str) -> String {
    assert!(GOOD.contains(from), "fixture lacks {from:?}");
    GOOD.replacen(from, to, 1)
}

/// Asserts exit 2 and a problem reported at `location` (stdout or stderr) saying `message`.
#[track_caller]
fn assert_problem(out: Outcome, location: &str, message: &str) -> Outcome {
    let out = out.code(2);
    let text = format!("{}{}", out.stdout, out.stderr);
    let line =
        text.lines().find(|l| l.contains(location)).unwrap_or_else(|| panic!("no problem at {location}:\n{text}"));
    assert!(line.contains(message), "problem at {location} does not say {message:?}: {line}");
    out
}

#[test]
fn good_file_passes_with_a_summary() {
    let out = check(GOOD).success();
    assert_eq!(out.stdout.trim(), "checked 1 file: 2 entities, 2 facts, 2 quotes verified, 0 not verified, 0 errors");
}

#[test]
fn builtin_data_passes() {
    Test::new().args(["check"]).run().success().stdout_has("checked 1 file:").stdout_has(" 0 errors");
}

#[test]
fn json_summary_counts_and_problems() {
    let out = Test::new()
        .file("good.toml", GOOD)
        .file("article.txt", ARTICLE)
        .args(["check", "--format", "json", "good.toml"])
        .run()
        .success();
    let json = out.json();
    assert_eq!(json["entities"], 2);
    assert_eq!(json["facts"], 2);
    assert_eq!(json["quotes_verified"], 2);
    assert_eq!(json["errors"], 0);
    assert_eq!(json["problems"], serde_json::json!([]));
}

#[test]
fn missing_source_text_is_a_warning_and_quotes_go_unverified() {
    let out = Test::new().file("good.toml", GOOD).args(["check", "good.toml"]).run().success();
    out.stdout_has("warning: text of source `test-source` not found").stdout_has("0 quotes verified, 2 not verified");
}

#[test]
fn source_text_flag_overrides_the_files_text() {
    Test::new()
        .file("good.toml", GOOD)
        .file("elsewhere/copy.txt", ARTICLE)
        .args(["check", "--source-text", "test-source=elsewhere/copy.txt", "good.toml"])
        .run()
        .success()
        .stdout_has("2 quotes verified, 0 not verified");
}

#[test]
fn unknown_id_is_located() {
    assert_problem(
        check(good_with("object = \"acme-market\"", "object = \"acme-markt\"")),
        "bad.toml:23:10",
        "unknown object id `acme-markt`",
    )
    .stdout_has("did you mean `acme-market`");
}

#[test]
fn unknown_property_suggests_the_nearest() {
    assert_problem(
        check(good_with("property = \"operates\"", "property = \"operats\"")),
        "bad.toml:22:12",
        "unknown property `operats`",
    )
    .stdout_has("did you mean sg:operates");
}

#[test]
fn unknown_class_is_located() {
    assert_problem(
        check(good_with("class = \"Company\"", "class = \"Compny\"")),
        "bad.toml:10:9",
        "unknown class `Compny`",
    );
}

#[test]
fn impossible_date_in_a_relation_is_an_error() {
    let text =
        good_with("quote = \"Acme runs Acme Market\"", "start = \"2025-02-30\"\nquote = \"Acme runs Acme Market\"");
    assert_problem(check(text), "bad.toml:24:9", "`2025-02-30` is not a real date");
}

#[test]
fn impossible_date_as_an_attribute_value_is_an_error() {
    assert_problem(check(good_with("value = \"2019\"", "value = \"2025-02-30\"")), "bad.toml:29:9", "not a real date");
}

#[test]
fn missing_quote_is_located_at_the_fact() {
    assert_problem(check(good_with("quote = \"Acme runs Acme Market\"\n", "")), "bad.toml:20:1", "fact has no quote");
}

#[test]
fn duplicate_id_names_the_first_declaration() {
    assert_problem(check(good_with("id = \"acme-market\"", "id = \"acme\"")), "bad.toml:15:6", "duplicate id `acme`")
        .stdout_has("first declared at bad.toml:9:6");
}

#[test]
fn entity_without_labels_is_an_error() {
    assert_problem(
        check(good_with("en = \"Acme\"\nzh = \"阿克米\"\n", "")),
        "bad.toml:9:6",
        "entity `acme` has no label",
    );
}

#[test]
fn entity_with_one_label_gets_a_located_warning() {
    check(good_with("zh = \"阿克米\"\n", ""))
        .success()
        .stdout_has("bad.toml:9:6: warning: entity `acme` has no Chinese label")
        .stdout_has("0 errors");
}

#[test]
fn invalid_toml_is_located() {
    assert_problem(check(good_with("en = \"Acme\"\nzh", "en = \"Acme\nzh")), "bad.toml:11:", "invalid");
}

#[test]
fn unknown_field_is_located_and_lists_the_fields() {
    assert_problem(
        check(good_with("en = \"Acme\"\nzh", "en = \"Acme\"\ncolour = \"red\"\nzh")),
        "bad.toml:12:1",
        "unknown field `colour`",
    )
    .stderr_has("`description`");
}

#[test]
fn quote_missing_from_the_source_text_is_located() {
    assert_problem(
        check(good_with("quote = \"founded in 2019\"", "quote = \"founded in 2018\"")),
        "bad.toml:30:9",
        "quote not found in the text of source `test-source`",
    );
}

#[test]
fn invalid_utf8_is_refused() {
    let mut bytes = GOOD.as_bytes()[..200].to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.extend_from_slice(&GOOD.as_bytes()[200..]);
    let out = check(bytes).code(2);
    assert!(out.stderr.contains("bad.toml") && out.stderr.contains("invalid UTF-8"), "{}", out.stderr);
}

#[test]
fn byte_order_mark_is_accepted() {
    check(format!("\u{feff}{GOOD}")).success().stdout_has("2 quotes verified").stdout_has("0 errors");
}

#[test]
fn crlf_line_endings_are_accepted() {
    check(GOOD.replace('\n', "\r\n")).success().stdout_has("2 quotes verified").stdout_has("0 errors");
}

#[test]
fn crlf_and_bom_keep_positions_right() {
    let bad = good_with("object = \"acme-market\"", "object = \"acme-markt\"");
    assert_problem(check(format!("\u{feff}{}", bad.replace('\n', "\r\n"))), "bad.toml:23:10", "unknown object id");
}

#[test]
fn several_problems_are_all_reported() {
    let text = good_with("class = \"Company\"", "class = \"Compny\"").replacen(
        "property = \"operates\"",
        "property = \"operats\"",
        1,
    );
    let out = check(text).code(2);
    out.stdout_has("bad.toml:10:9").stdout_has("bad.toml:22:12").stdout_has("2 errors");
}

#[test]
fn regression_check_without_store_knows_the_builtin_entity_ids() {
    // data/README.md: a new article reuses built-in ids and is validated with
    // `stratagraph check data/<source-id>.toml`; `load` accepts such a file, so `check`
    // must not call `aliexpress` unknown.
    let refers = "[[source]]\nid = \"ref-source\"\ntitle = \"Reference\"\n\n[[relation]]\nsubject = \"aliexpress\"\nproperty = \"partnersWith\"\nobject = \"taobao\"\nquote = \"AliExpress teams up with Taobao\"\n";
    Test::new().file("ref.toml", refers).args(["check", "ref.toml"]).run().success().stdout_has("0 errors");
}

/// `load` of `contents` as bad.toml, article beside it, into a new store in `store`.
fn load_into(store: &std::path::Path, contents: &str, extra: &[&str]) -> Outcome {
    let mut args = vec!["load", "--bare", "--store", store.to_str().unwrap(), "bad.toml"];
    args.extend_from_slice(extra);
    Test::new().file("bad.toml", contents).file("article.txt", ARTICLE).args(args).run()
}

fn holds_acme(store: &std::path::Path) -> bool {
    let out = Test::new().args(["query", "--store", store.to_str().unwrap(), "ASK { ?s ?p \"Acme Market\"@en }"]).run();
    out.code == 0
}

#[test]
fn load_runs_the_quote_check_and_refuses_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("kb");
    // A store that already exists, so a refused load must leave it as it was.
    Test::new()
        .file("empty.nt", "")
        .args(["load", "--bare", "--store", store.to_str().unwrap(), "empty.nt"])
        .run()
        .success();
    let out = load_into(&store, &good_with("quote = \"founded in 2019\"", "quote = \"founded in 2018\""), &[]);
    assert_problem(out, "bad.toml:30:9", "quote not found in the text of source `test-source`");
    assert!(!holds_acme(&store), "a load with a wrong quote must add nothing");
}

#[test]
fn load_says_how_many_quotes_it_verified() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("kb");
    load_into(&store, GOOD, &[]).success().stderr_has("2 facts, 2 quotes verified in their sources' texts");
    assert!(holds_acme(&store));
}

#[test]
fn load_without_quote_verification_is_explicit_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("kb");
    load_into(
        &store,
        &good_with("quote = \"founded in 2019\"", "quote = \"founded in 2018\""),
        &["--no-verify-quotes"],
    )
    .success()
    .stderr_has("2 quotes not verified (--no-verify-quotes)");
    assert!(holds_acme(&store));
}

#[test]
fn load_takes_the_source_text_from_the_command_line() {
    let elsewhere = good_with("text = \"article.txt\"", "text = \"missing.txt\"");
    let dir = tempfile::tempdir().unwrap();
    load_into(&dir.path().join("a"), &elsewhere, &[])
        .success()
        .stderr_has("text of source `test-source` not found")
        .stderr_has("0 quotes verified, 2 not verified (source text not at hand)");
    load_into(&dir.path().join("b"), &elsewhere, &["--source-text", "test-source=article.txt"])
        .success()
        .stderr_has("2 quotes verified in their sources' texts");
}

#[test]
fn an_end_before_its_start_is_located_at_the_end() {
    let reversed =
        good_with("object = \"acme-market\"\n", "object = \"acme-market\"\nstart = \"2024-05\"\nend = \"2023\"\n");
    assert_problem(check(reversed), "bad.toml:25:7", "the end `2023` is before the start `2024-05`");
    // A partial date spans its whole period: 2024 to 2024-03 is in order.
    let partial =
        good_with("object = \"acme-market\"\n", "object = \"acme-market\"\nstart = \"2024\"\nend = \"2024-03\"\n");
    check(partial).success();
}
