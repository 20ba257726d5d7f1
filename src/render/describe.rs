//! Descriptions and search hits as readable text.

use crate::describe::{Description, Evidence};
use crate::resolve::Hit;
use crate::schema::Lang;
use std::fmt::Write as _;

/// The few fixed words of text output, in the label language.
pub struct Words {
    pub claimed_by: &'static str,
    pub claim: &'static str,
    pub since: &'static str,
    pub until: &'static str,
    pub no_source: &'static str,
}

impl Words {
    /// The words for `lang`.
    pub fn of(lang: Lang) -> Words {
        match lang {
            Lang::En => Words {
                claimed_by: "claimed by",
                claim: "[claim]",
                since: "since",
                until: "until",
                no_source: "(no recorded source)",
            },
            Lang::Zh => {
                Words {
                    claimed_by: "观点来自", claim: "[观点]", since: "自", until: "至", no_source: "（无来源记录）"
                }
            }
        }
    }
}

/// A description as grouped text: names, classes, relations by group, attributes, figures.
pub fn description_text(d: &Description, lang: Lang) -> String {
    let mut out = String::new();
    let words = Words::of(lang);
    let title = match (&d.en, &d.zh) {
        (Some(en), Some(zh)) => format!("{en} · {zh}"),
        (Some(name), None) | (None, Some(name)) => name.clone(),
        (None, None) => crate::schema::short_name(&d.iri),
    };
    let _ = writeln!(out, "{title}");
    let (class_word, aliases_word, separator) = match lang {
        Lang::En => ("class", "aliases", ", "),
        Lang::Zh => ("类别", "别名", "、"),
    };
    let _ = writeln!(out, "  iri: {}", d.iri);
    if let Some(day) = &d.as_of {
        let _ = match lang {
            Lang::En => writeln!(out, "  as of: {day} (only the facts in force then)"),
            Lang::Zh => writeln!(out, "  截至：{day}（仅列出当日有效的事实）"),
        };
    }
    if !d.class_labels.is_empty() {
        let _ = writeln!(out, "  {class_word}: {}", d.class_labels.join(separator));
    }
    if !d.aliases.is_empty() {
        let _ = writeln!(out, "  {aliases_word}: {}", d.aliases.join(separator));
    }
    if let Some(description) = &d.description {
        let _ = writeln!(out, "  {description}");
    }
    let mut current_group: Option<Option<&str>> = None;
    for relation in &d.relations {
        let group = relation.group.as_deref();
        if current_group != Some(group) {
            current_group = Some(group);
            let heading = relation.group_label.as_deref().unwrap_or(match lang {
                Lang::En => "other relations",
                Lang::Zh => "其他关系",
            });
            let _ = writeln!(out, "\n{heading}");
        }
        let arrow = if relation.direction == "out" {
            format!("—{}→ {}", relation.property_label, relation.other_label)
        } else {
            format!("←{}— {}", relation.property_label, relation.other_label)
        };
        let claim = if relation.asserted { String::new() } else { format!("  {}", words.claim) };
        let _ = writeln!(out, "  {arrow}{}{claim}", dates_suffix(&relation.evidence, &words));
        for evidence in &relation.evidence {
            write_evidence(&mut out, evidence, &words);
        }
    }
    if !d.attributes.is_empty() {
        let _ = writeln!(out, "\n{}", if lang == Lang::Zh { "属性" } else { "attributes" });
        for attribute in &d.attributes {
            let claim = if attribute.asserted { String::new() } else { format!("  {}", words.claim) };
            let _ = writeln!(out, "  {}: {}{claim}", attribute.property_label, attribute.value);
            for evidence in &attribute.evidence {
                write_evidence(&mut out, evidence, &words);
            }
        }
    }
    if !d.figures.is_empty() {
        let _ = writeln!(out, "\n{}", if lang == Lang::Zh { "数据" } else { "figures" });
        for figure in &d.figures {
            let amount =
                super::figures::amount(&figure.value, figure.unit.as_deref(), figure.qualifier.as_deref(), lang);
            let when = match (&figure.date, &figure.period) {
                (Some(date), _) => Some(date.clone()),
                (None, Some(period)) => Some(super::figures::period(period, lang)),
                (None, None) => None,
            };
            let when =
                when.map(|w| if lang == Lang::Zh { format!("（{w}）") } else { format!(" ({w})") }).unwrap_or_default();
            let context = figure
                .context_label
                .as_deref()
                .map(|c| if lang == Lang::Zh { format!("，{c}") } else { format!(" in {c}") })
                .unwrap_or_default();
            let _ = writeln!(out, "  {}: {amount}{when}{context}", figure.metric_label);
            write_evidence(&mut out, &figure.evidence, &words);
        }
    }
    if !d.conflicts.is_empty() {
        let _ = writeln!(out, "\n{}", if lang == Lang::Zh { "来源分歧" } else { "sources disagree" });
        for conflict in &d.conflicts {
            let about = conflict.about_label.clone().unwrap_or_else(|| crate::schema::short_name(&conflict.about));
            let when = conflict.when.as_deref().map(|w| format!(", {w}")).unwrap_or_default();
            let sides: Vec<String> =
                conflict.sides.iter().map(|side| format!("{} ({})", side.value, source_id(&side.source))).collect();
            let _ = writeln!(out, "  {about}{when}: {}", sides.join("  ≠  "));
            for side in &conflict.sides {
                let _ = writeln!(out, "      {}: “{}”", source_id(&side.source), side.quote);
            }
        }
    }
    out
}

/// A source's fact-file id, or its IRI when it has none.
fn source_id(iri: &str) -> &str {
    iri.strip_prefix(crate::vocab::ENTITY).unwrap_or(iri)
}

/// `  [since 2016]`, `  [until 2024-11]` or `  [2016 – 2024]` for the first dated evidence.
pub fn dates_suffix(evidence: &[Evidence], words: &Words) -> String {
    let Some(first) = evidence.iter().find(|e| e.start.is_some() || e.end.is_some()) else {
        return String::new();
    };
    span_suffix(first.start.as_deref(), first.end.as_deref(), words)
}

/// `  [since START]`, `  [until END]`, `  [START – END]`, or nothing.
pub fn span_suffix(start: Option<&str>, end: Option<&str>, words: &Words) -> String {
    match (start, end) {
        (Some(start), Some(end)) => format!("  [{start} – {end}]"),
        (Some(start), None) => format!("  [{} {start}]", words.since),
        (None, Some(end)) => format!("  [{} {end}]", words.until),
        (None, None) => String::new(),
    }
}

/// The quote and citation lines under a fact.
pub fn write_evidence(out: &mut String, evidence: &Evidence, words: &Words) {
    if let Some(quote) = &evidence.quote {
        let _ = writeln!(out, "      “{quote}”");
    }
    let mut cited = Vec::new();
    if let Some(speaker) = &evidence.claimed_by_label {
        cited.push(format!("{} {speaker}", words.claimed_by));
    }
    if let Some(title) = &evidence.source_title {
        cited.push(title.clone());
    } else if let Some(source) = &evidence.source {
        cited.push(crate::schema::short_name(source));
    }
    if let Some(date) = &evidence.source_date {
        cited.push(date.clone());
    }
    if !cited.is_empty() {
        let _ = writeln!(out, "        — {}", cited.join(", "));
    }
    if let Some(note) = &evidence.note {
        let _ = writeln!(out, "        ({note})");
    }
}

/// Search hits as a table.
pub fn hits_text(hits: &[Hit]) -> String {
    let header = ["score", "entity", "English", "中文", "matched"].map(str::to_owned);
    let rows: Vec<Vec<String>> = hits
        .iter()
        .map(|h| {
            vec![
                format!("{:.2}", h.score),
                crate::vocab::compact(&h.iri).unwrap_or_else(|| h.iri.clone()),
                h.en.clone().unwrap_or_default(),
                h.zh.clone().unwrap_or_default(),
                format!("{} ({})", h.matched, h.how),
            ]
        })
        .collect();
    super::table::text_table(&header, &rows) + "\n"
}

/// A timeline as dated lines, each fact with its quote and source under it.
pub fn timeline_text(t: &crate::timeline::Timeline, lang: Lang) -> String {
    use crate::timeline::Named;
    let pick = |n: &Named| -> String {
        let (first, second) = match lang {
            Lang::En => (&n.en, &n.zh),
            Lang::Zh => (&n.zh, &n.en),
        };
        first.clone().or_else(|| second.clone()).unwrap_or_default()
    };
    let words = Words::of(lang);
    let mut out = String::new();
    let title = match (&t.entity.en, &t.entity.zh) {
        (Some(en), Some(zh)) => format!("{en} · {zh}"),
        (Some(name), None) | (None, Some(name)) => name.clone(),
        (None, None) => crate::schema::short_name(&t.iri),
    };
    let heading = match lang {
        Lang::En => "timeline",
        Lang::Zh => "时间线",
    };
    let _ = write!(out, "{title} — {heading}");
    if let Some(day) = &t.as_of {
        let _ = match lang {
            Lang::En => write!(out, " (as of {day})"),
            Lang::Zh => write!(out, "（截至{day}）"),
        };
    }
    out.push('\n');
    if t.events.is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            match lang {
                Lang::En => "no dated facts",
                Lang::Zh => "无带日期的事实",
            }
        );
        return out;
    }
    let event_word = |event: &str| -> &'static str {
        match (event, lang) {
            ("starts", Lang::En) => "starts",
            ("starts", Lang::Zh) => "开始",
            ("ends", Lang::En) => "ends",
            ("ends", Lang::Zh) => "结束",
            ("attribute", Lang::En) => "dated",
            ("attribute", Lang::Zh) => "日期",
            (_, Lang::En) => "figure",
            (_, Lang::Zh) => "数据",
        }
    };
    let date_width = t.events.iter().map(|e| e.date.len()).max().unwrap_or(10);
    for event in &t.events {
        let what = match event.event.as_str() {
            "figure" => {
                let amount = super::figures::amount(
                    event.value.as_deref().unwrap_or_default(),
                    event.unit.as_deref(),
                    event.qualifier.as_deref(),
                    lang,
                );
                let within = event.context.as_ref().map(|c| format!(" ({})", pick(c))).unwrap_or_default();
                format!("{} · {}: {amount}{within}", pick(&event.subject), pick(&event.property))
            }
            "attribute" => format!(
                "{} · {}: {}",
                pick(&event.subject),
                pick(&event.property),
                event.value.as_deref().unwrap_or_default()
            ),
            _ => format!(
                "{} —{}→ {}",
                pick(&event.subject),
                pick(&event.property),
                event.object.as_ref().map(pick).unwrap_or_default()
            ),
        };
        let word = event_word(&event.event);
        let pad = 6usize.saturating_sub(unicode_width::UnicodeWidthStr::width(word));
        let _ = writeln!(out, "  {:<date_width$}  {word}{:pad$}  {what}", event.date, "");
        let evidence = Evidence {
            quote: event.quote.clone(),
            source: event.source.clone(),
            source_date: event.source_date.clone(),
            claimed_by_label: event.speaker.as_ref().map(pick),
            ..Evidence::default()
        };
        write_evidence(&mut out, &evidence, &words);
    }
    out
}

/// Ranked texts as a table: score, field, the entity it is about, the text.
pub fn text_hits_text(hits: &[crate::textsearch::TextHit]) -> String {
    let header = ["score", "field", "about", "text"].map(str::to_owned);
    let rows: Vec<Vec<String>> = hits
        .iter()
        .map(|h| {
            vec![format!("{:.2}", h.score), h.field.clone(), h.about_label.clone().unwrap_or_default(), h.text.clone()]
        })
        .collect();
    super::table::text_table(&header, &rows) + "\n"
}
