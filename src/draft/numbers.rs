//! Dates and figures in a sentence, normalised: `去年11月21日` → `2024-11-21` against a
//! publication date in 2025, `今年初` → `2025` (early), `377.56亿元` → 37756000000 CNY,
//! `7成` → 70 percent, `近7万` → about 70000.

use regex::Regex;
use serde::Serialize;
use std::ops::Range;
use std::sync::LazyLock;

/// A date written in a sentence, resolved against the publication date.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DateMention {
    /// The words as written.
    pub text: String,
    /// `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or a period `YYYY-Hn` / `YYYY-Qn`.
    pub value: String,
    /// `early`, `mid`, `late` (年初, 年中, 年底), `before` (日前) or `about` (近日).
    pub qualifier: Option<String>,
    #[serde(skip)]
    pub range: Range<usize>,
}

/// A number written in a sentence, with its unit and qualifier.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FigureMention {
    pub text: String,
    /// The value in base units, as a decimal numeral (`37756000000`, `70`, `1.5`).
    pub value: String,
    /// `CNY`, `USD`, `percent`, `times`, `count`, `rank`, `days`, `years`, `months`, `hours`.
    pub unit: String,
    /// `about`, `over` or `under`; none when exact.
    pub qualifier: Option<String>,
    #[serde(skip)]
    pub range: Range<usize>,
}

/// The publication date a relative date is read against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Published {
    /// From `YYYY-MM-DD` (or `YYYY-MM`, `YYYY`).
    pub fn parse(text: &str) -> Option<Published> {
        let mut parts = text.trim().split('-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next().map_or(Some(1), |m| m.parse().ok())?;
        let day = parts.next().map_or(Some(1), |d| d.parse().ok())?;
        Some(Published { year, month, day })
    }
}

static CN_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?:(?P<year>(?:19|20)\d\d)年|(?P<rel>去年|今年|前年|明年))?",
        r"(?:(?P<month>1[0-2]|0?[1-9])月(?:(?P<day>3[01]|[12]\d|0?[1-9])[日号])?)?",
        r"(?P<part>年初|年中|年底|年末|初|中旬|中|底|末|上半年|下半年|第?[一二三四1-4]季度|Q[1-4])?"
    ))
    .expect("the date pattern is valid")
});

static ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:19|20)\d\d-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?\b").expect("valid"));

static EN_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\b(?:(?P<part>early|mid|late|end of)[- ])?",
        r"(?:(?P<day1>[12]\d|3[01]|0?[1-9]) )?",
        r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?",
        r"(?: (?P<day2>[12]\d|3[01]|0?[1-9]))?,? (?P<year>(?:19|20)\d\d)\b",
        r"|\b(?P<rel>last year|this year|next year)\b",
        r"|\b(?P<part2>early|mid|late)[- ](?P<year2>(?:19|20)\d\d)\b"
    ))
    .expect("valid")
});

static RECENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"日前|近日|近期").expect("valid"));

/// The dates in a sentence, earliest first, none overlapping another.
pub fn dates(sentence: &str, published: Option<Published>) -> Vec<DateMention> {
    let mut found: Vec<DateMention> = Vec::new();
    for caps in CN_DATE.captures_iter(sentence) {
        let whole = caps.get(0).expect("group 0");
        if whole.as_str().is_empty() {
            continue;
        }
        let year = match (caps.name("year"), caps.name("rel")) {
            (Some(y), _) => y.as_str().parse::<i32>().ok(),
            (None, Some(rel)) => published.map(|p| {
                p.year
                    + match rel.as_str() {
                        "去年" => -1,
                        "前年" => -2,
                        "明年" => 1,
                        _ => 0,
                    }
            }),
            (None, None) => None,
        };
        let month = caps.name("month").and_then(|m| m.as_str().parse::<u32>().ok());
        let day = caps.name("day").and_then(|d| d.as_str().parse::<u32>().ok());
        let part = caps.name("part").map(|p| p.as_str());
        // A bare part (`中`, `初`) or a bare month without a year is not a date by itself,
        // except a month-and-day, which is read in the publication year.
        let explicit_year = caps.name("year").is_some() || caps.name("rel").is_some();
        if !explicit_year && (month.is_none() || day.is_none()) {
            continue;
        }
        let Some(year) = year.or_else(|| published.map(|p| p.year)) else { continue };
        let (value, qualifier) = match (month, day, part) {
            (Some(m), Some(d), _) => (format!("{year}-{m:02}-{d:02}"), None),
            (Some(m), None, Some(p)) => (format!("{year}-{m:02}"), part_qualifier(p)),
            (Some(m), None, None) => (format!("{year}-{m:02}"), None),
            (None, _, Some("上半年")) => (format!("{year}-H1"), None),
            (None, _, Some("下半年")) => (format!("{year}-H2"), None),
            (None, _, Some(p)) if p.contains("季度") || p.starts_with('Q') => {
                let quarter = p.chars().find_map(quarter_digit).unwrap_or(1);
                (format!("{year}-Q{quarter}"), None)
            }
            (None, _, Some(p)) => (format!("{year}"), part_qualifier(p)),
            (None, _, None) => (format!("{year}"), None),
        };
        found.push(DateMention { text: whole.as_str().to_owned(), value, qualifier, range: whole.range() });
    }
    for m in ISO_DATE.find_iter(sentence) {
        found.push(DateMention {
            text: m.as_str().to_owned(),
            value: m.as_str().to_owned(),
            qualifier: None,
            range: m.range(),
        });
    }
    for caps in EN_DATE.captures_iter(sentence) {
        let whole = caps.get(0).expect("group 0");
        let (value, qualifier) = if let Some(rel) = caps.name("rel") {
            let Some(p) = published else { continue };
            let year = p.year
                + match rel.as_str().to_ascii_lowercase().as_str() {
                    "last year" => -1,
                    "next year" => 1,
                    _ => 0,
                };
            (format!("{year}"), None)
        } else if let Some(year) = caps.name("year2") {
            (year.as_str().to_owned(), caps.name("part2").and_then(|p| english_part(p.as_str())))
        } else {
            let year = caps.name("year").map_or("", |y| y.as_str());
            let month = month_number(caps.name("month").map_or("", |m| m.as_str()));
            let day = caps.name("day1").or(caps.name("day2")).and_then(|d| d.as_str().parse::<u32>().ok());
            match day {
                Some(d) => (format!("{year}-{month:02}-{d:02}"), None),
                None => (format!("{year}-{month:02}"), caps.name("part").and_then(|p| english_part(p.as_str()))),
            }
        };
        found.push(DateMention { text: whole.as_str().to_owned(), value, qualifier, range: whole.range() });
    }
    if let Some(p) = published {
        for m in RECENT.find_iter(sentence) {
            let qualifier = if m.as_str() == "日前" { "before" } else { "about" };
            found.push(DateMention {
                text: m.as_str().to_owned(),
                value: format!("{}-{:02}-{:02}", p.year, p.month, p.day),
                qualifier: Some(qualifier.to_owned()),
                range: m.range(),
            });
        }
    }
    without_overlaps(found, |d| d.range.clone())
}

fn part_qualifier(part: &str) -> Option<String> {
    match part {
        "初" | "年初" => Some("early"),
        "中" | "中旬" | "年中" => Some("mid"),
        "底" | "末" | "年底" | "年末" => Some("late"),
        _ => None,
    }
    .map(str::to_owned)
}

fn english_part(part: &str) -> Option<String> {
    match part.to_ascii_lowercase().as_str() {
        "early" => Some("early".to_owned()),
        "mid" => Some("mid".to_owned()),
        "late" | "end of" => Some("late".to_owned()),
        _ => None,
    }
}

fn quarter_digit(c: char) -> Option<u32> {
    match c {
        '一' | '1' => Some(1),
        '二' | '2' => Some(2),
        '三' | '3' => Some(3),
        '四' | '4' => Some(4),
        _ => None,
    }
}

fn month_number(name: &str) -> u32 {
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let lower = name.to_ascii_lowercase();
    MONTHS.iter().position(|m| lower.starts_with(m)).map_or(1, |i| i as u32 + 1)
}

static CN_FIGURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?P<pre>将近|接近|大约|近|约|超过|超|逾|突破|高达|不到|不足|低于|最低|前)?",
        r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)",
        r"(?P<mul>万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千)?",
        r"(?P<post>余|多)?",
        r"(?P<unit>亿元|万元|元|美元|美金|%|％|成|倍|次|个|家|位|款|名|件|人|单|条|天|年|个月|月|小时|国)?",
        r"(?P<post2>以上|以下|左右)?"
    ))
    .expect("the figure pattern is valid")
});

static CN_RANK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"第(?P<n>\d+|[一二三四五六七八九十]{1,3})(?:名|位)?").expect("valid"));

static CN_DOUBLE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"翻倍|翻番|翻了一番").expect("valid"));

static EN_FIGURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?P<pre>about |around |nearly |almost |over |more than |less than |under |up to )?",
        r"(?P<cur>\$|US\$|¥|RMB ?)?(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)",
        r"(?: ?(?P<mul>trillion|billion|million|thousand|bn|m|k)\b)?",
        r"(?: ?(?P<unit>%|percent|per cent|yuan|dollars|times|days|years|months|hours)\b|(?P<pct>%))?"
    ))
    .expect("valid")
});

/// The figures in a sentence, not counting the numbers inside its dates.
pub fn figures(sentence: &str, dates: &[DateMention]) -> Vec<FigureMention> {
    let inside_date =
        |range: &Range<usize>| dates.iter().any(|d| d.range.start < range.end && range.start < d.range.end);
    let mut found = Vec::new();
    for caps in CN_FIGURE.captures_iter(sentence) {
        let whole = caps.get(0).expect("group 0");
        let num = caps.name("num").expect("num");
        if inside_date(&num.range()) {
            continue;
        }
        let unit_text = caps.name("unit").map(|u| u.as_str());
        let mul = caps.name("mul").map(|m| m.as_str());
        let pre = caps.name("pre").map(|p| p.as_str());
        // A bare number (a name like 1688, a model number) is not a figure.
        if unit_text.is_none() && mul.is_none() && pre != Some("前") {
            continue;
        }
        if unit_text == Some("年") && mul.is_none() && num.as_str().len() == 4 {
            continue;
        }
        let mut exponent: i32 = match mul {
            Some("万亿") => 12,
            Some("千亿") => 11,
            Some("百亿") => 10,
            Some("十亿") => 9,
            Some("亿") => 8,
            Some("千万") => 7,
            Some("百万") => 6,
            Some("十万") => 5,
            Some("万") => 4,
            Some("千") => 3,
            _ => 0,
        };
        let unit = match unit_text {
            Some("亿元") => {
                exponent += 8;
                "CNY"
            }
            Some("万元") => {
                exponent += 4;
                "CNY"
            }
            Some("元") => "CNY",
            Some("美元" | "美金") => "USD",
            Some("%" | "％") => "percent",
            Some("成") => {
                exponent += 1;
                "percent"
            }
            Some("倍") => "times",
            Some("天") => "days",
            Some("年") => "years",
            Some("个月" | "月") => "months",
            Some("小时") => "hours",
            Some("名") if pre.is_none() => "rank",
            _ if pre == Some("前") => "rank",
            _ => "count",
        };
        let qualifier = match (pre, caps.name("post").map(|p| p.as_str()), caps.name("post2").map(|p| p.as_str())) {
            (Some("将近" | "接近" | "大约" | "近" | "约"), _, _) | (_, _, Some("左右")) => Some("about"),
            (Some("超过" | "超" | "逾" | "突破" | "最低"), _, _) | (_, Some(_), _) | (_, _, Some("以上")) => {
                Some("over")
            }
            (Some("不到" | "不足" | "低于" | "前"), _, _) | (_, _, Some("以下")) => Some("under"),
            _ => None,
        };
        let Some(value) = scaled(num.as_str(), exponent) else { continue };
        found.push(FigureMention {
            text: whole.as_str().to_owned(),
            value,
            unit: unit.to_owned(),
            qualifier: qualifier.map(str::to_owned),
            range: whole.range(),
        });
    }
    for caps in CN_RANK.captures_iter(sentence) {
        let whole = caps.get(0).expect("group 0");
        let n = caps.name("n").expect("n").as_str();
        let Some(value) = n.parse::<u64>().ok().or_else(|| chinese_number(n)) else { continue };
        found.push(FigureMention {
            text: whole.as_str().to_owned(),
            value: value.to_string(),
            unit: "rank".to_owned(),
            qualifier: None,
            range: whole.range(),
        });
    }
    for m in CN_DOUBLE.find_iter(sentence) {
        found.push(FigureMention {
            text: m.as_str().to_owned(),
            value: "2".to_owned(),
            unit: "times".to_owned(),
            qualifier: None,
            range: m.range(),
        });
    }
    for caps in EN_FIGURE.captures_iter(sentence) {
        let whole = caps.get(0).expect("group 0");
        let num = caps.name("num").expect("num");
        if inside_date(&num.range()) || sentence[..num.start()].ends_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let cur = caps.name("cur").map(|c| c.as_str().trim().to_ascii_uppercase());
        let unit_text = caps.name("unit").or(caps.name("pct")).map(|u| u.as_str().to_ascii_lowercase());
        let mul = caps.name("mul").map(|m| m.as_str().to_ascii_lowercase());
        if cur.is_none() && unit_text.is_none() && mul.is_none() {
            continue;
        }
        let exponent = match mul.as_deref() {
            Some("trillion") => 12,
            Some("billion" | "bn") => 9,
            Some("million" | "m") => 6,
            Some("thousand" | "k") => 3,
            _ => 0,
        };
        let unit = match (cur.as_deref(), unit_text.as_deref()) {
            (Some("$" | "US$"), _) | (_, Some("dollars")) => "USD",
            (Some(_), _) | (_, Some("yuan")) => "CNY",
            (_, Some("%" | "percent" | "per cent")) => "percent",
            (_, Some(u)) => u,
            (None, None) => "count",
        };
        let qualifier = caps.name("pre").map(|p| match p.as_str().trim().to_ascii_lowercase().as_str() {
            "about" | "around" | "nearly" | "almost" => "about",
            "over" | "more than" => "over",
            _ => "under",
        });
        let Some(value) = scaled(num.as_str(), exponent) else { continue };
        found.push(FigureMention {
            text: whole.as_str().trim().to_owned(),
            value,
            unit: unit.to_owned(),
            qualifier: qualifier.map(str::to_owned),
            range: whole.range(),
        });
    }
    without_overlaps(found, |f| f.range.clone())
}

/// `digits × 10^exponent` written exactly, without floating point: `377.56`, 8 → `37756000000`.
fn scaled(number: &str, exponent: i32) -> Option<String> {
    let number: String = number.chars().filter(|c| *c != ',').collect();
    let (whole, fraction) = number.split_once('.').unwrap_or((&number, ""));
    let mut digits = format!("{whole}{fraction}");
    let mut point = whole.len() as i32 + exponent;
    if point > digits.len() as i32 {
        digits.push_str(&"0".repeat((point - digits.len() as i32) as usize));
    }
    if point < 1 {
        digits = format!("{}{digits}", "0".repeat((1 - point) as usize));
        point = 1;
    }
    if digits.len() > 40 {
        return None;
    }
    let (int, frac) = digits.split_at(point as usize);
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let frac = frac.trim_end_matches('0');
    Some(if frac.is_empty() { int.to_owned() } else { format!("{int}.{frac}") })
}

/// 一 … 九十九 as a number.
fn chinese_number(text: &str) -> Option<u64> {
    let digit = |c: char| "零一二三四五六七八九".chars().position(|d| d == c).map(|p| p as u64);
    let chars: Vec<char> = text.chars().collect();
    match chars.as_slice() {
        [one] if *one == '十' => Some(10),
        [one] => digit(*one),
        ['十', unit] => Some(10 + digit(*unit)?),
        [tens, '十'] => Some(digit(*tens)? * 10),
        [tens, '十', unit] => Some(digit(*tens)? * 10 + digit(*unit)?),
        _ => None,
    }
}

/// Keeps the longest of overlapping matches (the earliest on a tie), in text order.
fn without_overlaps<T>(mut found: Vec<T>, range: impl Fn(&T) -> Range<usize>) -> Vec<T> {
    found.sort_by_key(|item| {
        let r = range(item);
        (std::cmp::Reverse(r.end - r.start), r.start)
    });
    let mut kept: Vec<T> = Vec::new();
    for item in found {
        let r = range(&item);
        if kept.iter().all(|k| {
            let o = range(k);
            r.end <= o.start || o.end <= r.start
        }) {
            kept.push(item);
        }
    }
    kept.sort_by_key(|item| range(item).start);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn published() -> Option<Published> {
        Published::parse("2025-04-21")
    }

    fn date_values(text: &str) -> Vec<(String, Option<String>)> {
        dates(text, published()).into_iter().map(|d| (d.value, d.qualifier)).collect()
    }

    #[test]
    fn chinese_dates_resolve_against_the_publication_date() {
        assert_eq!(date_values("4月16日起"), vec![("2025-04-16".into(), None)]);
        assert_eq!(date_values("自去年11月21日开始"), vec![("2024-11-21".into(), None)]);
        assert_eq!(date_values("今年初，晚点报道"), vec![("2025".into(), Some("early".into()))]);
        assert_eq!(date_values("2024年中起"), vec![("2024".into(), Some("mid".into()))]);
        assert_eq!(date_values("2023年3月起"), vec![("2023-03".into(), None)]);
        assert_eq!(date_values("去年下半年"), vec![("2024-H2".into(), None)]);
        assert_eq!(date_values("日前宣布"), vec![("2025-04-21".into(), Some("before".into()))]);
        assert!(date_values("过去20年").is_empty());
    }

    #[test]
    fn english_dates() {
        assert_eq!(date_values("on April 16, 2025 it rose"), vec![("2025-04-16".into(), None)]);
        assert_eq!(date_values("since last year"), vec![("2024".into(), None)]);
        assert_eq!(date_values("by mid-2024"), vec![("2024".into(), Some("mid".into()))]);
    }

    fn figure_values(text: &str) -> Vec<(String, String, Option<String>)> {
        let d = dates(text, published());
        figures(text, &d).into_iter().map(|f| (f.value, f.unit, f.qualifier)).collect()
    }

    #[test]
    fn chinese_figures_are_normalised() {
        assert_eq!(figure_values("营收377.56亿元"), vec![("37756000000".into(), "CNY".into(), None)]);
        assert_eq!(figure_values("增长32%"), vec![("32".into(), "percent".into(), None)]);
        assert_eq!(figure_values("占比达7成"), vec![("70".into(), "percent".into(), None)]);
        assert_eq!(figure_values("播放量突破50亿次"), vec![("5000000000".into(), "count".into(), Some("over".into()))]);
        assert_eq!(figure_values("近7万商家"), vec![("70000".into(), "count".into(), Some("about".into()))]);
        assert_eq!(figure_values("榜单第二"), vec![("2".into(), "rank".into(), None)]);
        assert_eq!(figure_values("成交额翻倍"), vec![("2".into(), "times".into(), None)]);
        assert!(figure_values("1688平台在2024年").is_empty());
    }

    #[test]
    fn english_figures() {
        assert_eq!(figure_values("revenue of $1.5 billion"), vec![("1500000000".into(), "USD".into(), None)]);
        assert_eq!(figure_values("up 32% on the year"), vec![("32".into(), "percent".into(), None)]);
    }
}
