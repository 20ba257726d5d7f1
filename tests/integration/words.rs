//! `search --in quotes` (issue 15): a ranked search in the words of quotes, notes,
//! descriptions, labels and aliases, Chinese by character bigrams and Latin text by words and prefixes.

use crate::util::Test;

#[test]
fn chinese_words_find_the_quotes_that_say_them_best_first() {
    let json = Test::new()
        .args(["search", "--in", "quotes", "托管", "--limit", "20", "--format", "json"])
        .run()
        .success()
        .json();
    let hits = json.as_array().unwrap();
    assert_eq!(hits.len(), 20);
    assert!(hits.iter().all(|h| h["text"].as_str().unwrap().contains("托管")), "{json}");
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    // Labels and aliases count: the Chinese label 托管 itself comes first. Jiang Fan's quote about the
    // managed business is among them, about him.
    assert_eq!(hits[0]["text"], "托管");
    assert_eq!(hits[0]["field"], "label");
    assert_eq!(hits[0]["about_label"], "Fully managed (consignment)");
    assert!(hits.iter().any(|h| h["text"] == "Choice托管业务" && h["field"] == "alias"), "{json}");
    assert!(
        hits.iter().any(|h| h["text"] == "力排众议发展Choice托管业务"
            && h["about_label"] == "Jiang Fan"
            && h["field"] == "quote"),
        "{json}"
    );
}

#[test]
fn latin_words_match_as_prefixes_and_nothing_found_is_exit_1() {
    let json = Test::new().args(["search", "--in", "quotes", "Choi", "--format", "json"]).run().success().json();
    assert!(
        json.as_array().unwrap().iter().all(|h| h["text"].as_str().unwrap().to_lowercase().contains("choi")),
        "{json}"
    );
    Test::new()
        .args(["search", "--in", "quotes", "semi-managed", "--lang", "zh"])
        .run()
        .success()
        .stdout_has("2024 described as the year of semi-managed.")
        .stdout_has("半托管");
    Test::new()
        .args(["search", "--in", "quotes", "zzzqqq"])
        .run()
        .code(1)
        .stderr_has("no quote, note, description, label or alias matches");
}
