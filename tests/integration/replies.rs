//! The public JSON shapes: `docs/reply-schemas.json` is generated from the reply types (so it
//! cannot drift from them), and every command's `--format json` output is validated
//! against its schema.

use crate::util::{repo, Test};

fn schemas() -> serde_json::Value {
    stratagraph::commands::reply_schemas()
}

#[test]
fn the_committed_schemas_are_the_types_schemas() {
    let path = repo().join("docs/reply-schemas.json");
    let generated = serde_json::to_string_pretty(&schemas()).unwrap() + "\n";
    if std::env::var_os("STRATAGRAPH_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/reply-schemas.json is not what the reply types generate; run the tests with STRATAGRAPH_BLESS=1 and commit it"
    );
}

/// Checks `value` against the schema of the reply `name`.
fn check_shape(name: &str, value: &serde_json::Value) {
    let all = schemas();
    let mut schema = all["replies"][name].clone();
    assert!(schema.is_object(), "no schema for `{name}`");
    schema["$defs"] = all["$defs"].clone();
    let validator = jsonschema::draft202012::new(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator.iter_errors(value).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "`{name}` reply does not match its schema: {errors:?}\n{value:#}");
}

#[test]
fn every_json_reply_matches_its_schema() {
    let cases: &[(&str, &[&str])] = &[
        ("describe", &["describe", "Choice", "--format", "json"]),
        ("describe", &["describe", "蒋凡", "--format", "json", "--lang", "zh"]),
        ("search", &["search", "速卖通", "--format", "json"]),
        ("path", &["path", "jiang-fan", "Choice", "--evidence", "--format", "json"]),
        ("path", &["path", "Taobao", "Temu", "--k", "3", "--format", "json"]),
        ("path", &["path", "Choice", "Choice", "--format", "json"]),
        ("neighbors", &["neighbors", "AliExpress", "--depth", "2", "--format", "json"]),
        ("reach", &["reach", "Choice", "--direction", "upstream", "--format", "json"]),
        ("common", &["common", "Taobao", "AliExpress", "--format", "json"]),
        ("central", &["central", "--top", "5", "--format", "json"]),
        ("report list", &["report", "list", "--format", "json"]),
        ("check", &["check", "--format", "json"]),
    ];
    for (name, args) in cases {
        let outcome = Test::new().args(*args).run().success();
        let value = outcome.json();
        check_shape(name, &value);
    }
}

#[test]
fn a_wrong_shape_is_caught() {
    // The check above could not fail if the schemas accepted anything.
    let bad = serde_json::json!({ "from": "x", "paths": 3 });
    let all = schemas();
    let mut schema = all["replies"]["path"].clone();
    schema["$defs"] = all["$defs"].clone();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    assert!(!validator.is_valid(&bad));
}
