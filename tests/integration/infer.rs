//! `--infer rdfs` (issue 15): queries written with the broader standard terms find facts
//! stated with the project's finer ones, by rewriting over the ontology's hierarchy.

use crate::util::Test;

fn rows(args: &[&str], variables: &[&str]) -> Vec<Vec<String>> {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--format", "json"]);
    Test::new().args(all).run().success().rows(variables)
}

fn ids(names: &[&str]) -> Vec<Vec<String>> {
    names.iter().map(|n| vec![format!("https://w3id.org/stratagraph/id/{n}")]).collect()
}

#[test]
fn schema_parent_organization_finds_what_org_sub_organization_of_states() {
    let query = "SELECT ?unit WHERE { ?unit schema:parentOrganization entity:alibaba } ORDER BY ?unit";
    assert_eq!(rows(&["query", query], &["unit"]), Vec::<Vec<String>>::new());
    assert_eq!(
        rows(&["query", query, "--infer", "rdfs"], &["unit"]),
        ids(&["aidc", "alibaba-com", "ecommerce-group", "lazada", "taobao"])
    );
}

#[test]
fn subproperties_classes_and_the_day_combine() {
    // org:memberOf: sg:memberOf and org:headOf are below it.
    let member = "SELECT ?o WHERE { entity:jiang-fan org:memberOf ?o } ORDER BY ?o";
    assert_eq!(rows(&["query", member, "--infer", "rdfs"], &["o"]), ids(&["aidc", "aliexpress", "ecommerce-group"]));
    assert_eq!(rows(&["query", member, "--infer", "rdfs", "--as-of", "2025-01-01"], &["o"]), ids(&["ecommerce-group"]));
    // A person is a prov:Agent by the class hierarchy; a blank node still joins the patterns.
    let agents = "SELECT DISTINCT ?x WHERE { ?x a prov:Agent . ?x org:headOf _:b . _:b a schema:Organization }";
    assert_eq!(rows(&["query", agents, "--infer", "rdfs"], &["x"]), ids(&["jiang-fan"]));
    // Each answer once, though two rules entail it.
    let once = "SELECT ?x WHERE { ?x a sg:MetricObservation } ";
    let inferred = rows(&["query", once, "--infer", "rdfs"], &["x"]);
    let mut unique = inferred.clone();
    unique.dedup();
    assert_eq!(inferred.len(), unique.len());
    Test::new()
        .args(["describe", "AliExpress", "--infer", "rdfs"])
        .run()
        .code(2)
        .stderr_has("--infer applies to query");
}

/// A user's own ontology and data, written for this test.
const OWN: &str = r#"@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:Kitten rdfs:subClassOf ex:Cat . ex:Cat rdfs:subClassOf ex:Animal .
ex:feeds rdfs:domain ex:Keeper ; rdfs:range ex:Animal .
ex:bottleFeeds rdfs:subPropertyOf ex:feeds .
ex:tom a ex:Kitten .
ex:ann ex:bottleFeeds ex:rex .
"#;

#[test]
fn the_rdfs_rules_on_a_users_own_ontology() {
    let test = Test::new().file("own.ttl", OWN);
    let loaded = test.args(["--store", "kb", "--bare", "load", "own.ttl"]).run().success();
    let store = loaded.dir.join("kb");
    let ask = |query: &str| -> Vec<Vec<String>> {
        Test::new()
            .args([
                "--store",
                store.to_str().unwrap(),
                "--read-only",
                "query",
                query,
                "--infer",
                "rdfs",
                "--format",
                "json",
            ])
            .run()
            .success()
            .rows(&["x"])
    };
    let ex = |names: &[&str]| -> Vec<Vec<String>> {
        names.iter().map(|n| vec![format!("http://example.org/{n}")]).collect()
    };
    // Subclass (two steps), range through a subproperty.
    assert_eq!(ask("SELECT ?x WHERE { ?x a <http://example.org/Animal> } ORDER BY ?x"), ex(&["rex", "tom"]));
    // Domain through a subproperty.
    assert_eq!(ask("SELECT ?x WHERE { ?x a <http://example.org/Keeper> }"), ex(&["ann"]));
    assert_eq!(ask("SELECT ?x WHERE { ?x <http://example.org/feeds> <http://example.org/rex> }"), ex(&["ann"]));
}
