//! Figures as a reader writes them: amounts with their unit and scale in the output
//! language (`377.56 亿元`, `CNY 37.76 bn`), ranks as `#2` or `第2`, shares as `70 %`,
//! periods as `2023–2024` or `since 2024`.

use crate::schema::Lang;

/// One figure's number, unit and qualifier, e.g. `about CNY 37.76 bn`, `约377.56亿元`.
pub fn amount(value: &str, unit: Option<&str>, qualifier: Option<&str>, lang: Lang) -> String {
    let Ok(number) = value.parse::<f64>() else {
        // Not a number: shown as given, with its unit.
        return [qualifier, Some(value), unit].into_iter().flatten().collect::<Vec<_>>().join(" ");
    };
    let unit = unit.unwrap_or("");
    if unit == "rank" {
        return match (lang, qualifier) {
            (Lang::En, Some("under")) => format!("top {}", plain(number)),
            (Lang::Zh, Some("under")) => format!("前{}", plain(number)),
            (Lang::En, _) => format!("{}#{}", qualifier_words(qualifier, lang), plain(number)),
            (Lang::Zh, _) => format!("{}第{}", qualifier_words(qualifier, lang), plain(number)),
        };
    }
    let qualifier = qualifier_words(qualifier, lang);
    let body = match lang {
        Lang::En => match unit {
            "percent" => format!("{} %", plain(number)),
            "CNY" | "USD" | "EUR" | "HKD" => format!("{unit} {}", scaled_en(number)),
            "times" => format!("{}×", plain(number)),
            "years" => format!("{} year{}", plain(number), if number == 1.0 { "" } else { "s" }),
            "count" | "" => scaled_en(number),
            other => format!("{} {other}", scaled_en(number)),
        },
        Lang::Zh => match unit {
            "percent" => format!("{}%", plain(number)),
            "CNY" => format!("{}元", scaled_zh(number)),
            "USD" => format!("{}美元", scaled_zh(number)),
            "EUR" => format!("{}欧元", scaled_zh(number)),
            "HKD" => format!("{}港元", scaled_zh(number)),
            "times" => format!("{}倍", plain(number)),
            "years" => format!("{}年", plain(number)),
            "count" | "" => scaled_zh(number),
            other => format!("{} {other}", scaled_zh(number)),
        },
    };
    format!("{qualifier}{body}")
}

/// A figure's period (`START/END`, either side open) as words.
pub fn period(period: &str, lang: Lang) -> String {
    match (period.split_once('/'), lang) {
        (Some((start, "")), Lang::En) => format!("since {start}"),
        (Some((start, "")), Lang::Zh) => format!("{start}起"),
        (Some(("", end)), Lang::En) => format!("until {end}"),
        (Some(("", end)), Lang::Zh) => format!("至{end}"),
        (Some((start, end)), _) => format!("{start}–{end}"),
        (None, _) => period.to_owned(),
    }
}

fn qualifier_words(qualifier: Option<&str>, lang: Lang) -> String {
    match (qualifier, lang) {
        (None, _) => String::new(),
        (Some("about"), Lang::Zh) => "约".to_owned(),
        (Some("over"), Lang::Zh) => "超过".to_owned(),
        (Some("under"), Lang::Zh) => "不到".to_owned(),
        (Some("nearly"), Lang::Zh) => "近".to_owned(),
        (Some(other), Lang::Zh) => other.to_owned(),
        (Some(other), Lang::En) => format!("{other} "),
    }
}

/// A number without a needless fraction, at most two decimals.
fn plain(number: f64) -> String {
    let text = format!("{number:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// `37.76 bn`, `1.2 m`, `70,000`, `120`.
fn scaled_en(number: f64) -> String {
    let magnitude = number.abs();
    if magnitude >= 1e9 {
        format!("{} bn", plain(number / 1e9))
    } else if magnitude >= 1e6 {
        format!("{} m", plain(number / 1e6))
    } else if magnitude >= 1e4 && number.fract() == 0.0 {
        grouped(number as i64)
    } else {
        plain(number)
    }
}

/// `377.56亿`, `7万`, `120`: the Chinese scales of 10⁸ and 10⁴.
fn scaled_zh(number: f64) -> String {
    let magnitude = number.abs();
    if magnitude >= 1e8 {
        format!("{}亿", plain(number / 1e8))
    } else if magnitude >= 1e4 {
        format!("{}万", plain(number / 1e4))
    } else {
        plain(number)
    }
}

/// Thousands separated by commas.
fn grouped(number: i64) -> String {
    let digits = number.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    if number < 0 {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_a_reader_writes_them() {
        let cases = [
            ("37756000000", Some("CNY"), None, "CNY 37.76 bn", "377.56亿元"),
            ("5173000000", Some("USD"), Some("about"), "about USD 5.17 bn", "约51.73亿美元"),
            ("2", Some("rank"), None, "#2", "第2"),
            ("10", Some("rank"), Some("under"), "top 10", "前10"),
            ("70", Some("percent"), None, "70 %", "70%"),
            ("32.5", Some("percent"), None, "32.5 %", "32.5%"),
            ("70000", Some("count"), Some("nearly"), "nearly 70,000", "近7万"),
            ("5000000000", Some("count"), None, "5 bn", "50亿"),
            ("2", Some("times"), None, "2×", "2倍"),
            ("10", Some("years"), Some("over"), "over 10 years", "超过10年"),
            ("120", Some("count"), None, "120", "120"),
            ("n/a", Some("count"), None, "n/a count", "n/a count"),
        ];
        for (value, unit, qualifier, en, zh) in cases {
            assert_eq!(amount(value, unit, qualifier, Lang::En), en, "{value} {unit:?}");
            assert_eq!(amount(value, unit, qualifier, Lang::Zh), zh, "{value} {unit:?}");
        }
    }

    #[test]
    fn periods_read_as_words() {
        assert_eq!(period("2024/", Lang::En), "since 2024");
        assert_eq!(period("2024/", Lang::Zh), "2024起");
        assert_eq!(period("2023/2024", Lang::En), "2023–2024");
        assert_eq!(period("/2024-06", Lang::En), "until 2024-06");
        assert_eq!(period("2024-Q4", Lang::Zh), "2024-Q4");
    }
}
