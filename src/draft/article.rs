//! An article's text as `draft` reads it: the header (front matter or the first lines'
//! title, date and link), then the plain runs of prose between markup, then sentences and
//! clauses. Every run, sentence and clause is a verbatim slice of the text, so a quote taken
//! from one is found again by `check`.

/// What the header of an article says about it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Header {
    pub title: Option<String>,
    pub date: Option<String>,
    pub url: Option<String>,
    pub author: Option<String>,
}

/// An article split for reading.
#[derive(Debug, Clone, Default)]
pub struct Article {
    pub header: Header,
    /// Runs of prose, in order, each a slice of the text without markup.
    pub runs: Vec<String>,
    /// True when most letters are Chinese.
    pub chinese: bool,
}

/// Reads an article's header and prose.
pub fn read(text: &str) -> Article {
    let mut header = Header::default();
    let mut lines: Vec<&str> = text.lines().collect();
    // YAML-style front matter: `---`, `key: value` lines, `---`.
    if lines.first().is_some_and(|l| l.trim() == "---") {
        if let Some(end) = lines.iter().skip(1).position(|l| l.trim() == "---") {
            for line in &lines[1..=end] {
                if let Some((key, value)) = line.split_once(':') {
                    take_field(&mut header, key, value);
                }
            }
            lines.drain(..=end + 1);
        }
    }
    let mut runs = Vec::new();
    let mut in_header_block = false;
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("{%") {
            in_header_block = !trimmed.contains("end");
            continue;
        }
        // `**Published:** 2025-04-21`, `Date: ...`, `URL: ...` lines near the top.
        if let Some((key, value)) = header_field(trimmed) {
            if in_header_block || index < 12 {
                take_field(&mut header, &key, &value);
                continue;
            }
        }
        if in_header_block {
            continue;
        }
        let body = if let Some(heading) = trimmed.strip_prefix('#') {
            let heading = heading.trim_start_matches('#').trim();
            if header.title.is_none() && index < 5 {
                header.title = Some(heading.to_owned());
                continue;
            }
            heading
        } else {
            trimmed.trim_start_matches('>').trim()
        };
        plain_runs(body, &mut runs);
    }
    let (mut cjk, mut latin) = (0usize, 0usize);
    for c in text.chars() {
        if crate::facts::has_cjk(c.encode_utf8(&mut [0; 4])) {
            cjk += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    Article { header, runs, chinese: cjk * 2 >= latin }
}

/// `**Key:** value` or `Key: value` with a known key.
fn header_field(line: &str) -> Option<(String, String)> {
    let line = line.trim_start_matches("**");
    let (key, value) = line.split_once(':')?;
    let key = key.trim().trim_end_matches("**").trim().to_ascii_lowercase();
    let value = value.trim_start_matches("**").trim().to_owned();
    matches!(key.as_str(), "title" | "date" | "published" | "url" | "original" | "link" | "source" | "author")
        .then_some((key, value))
}

fn take_field(header: &mut Header, key: &str, value: &str) {
    let key = key.trim().to_ascii_lowercase();
    let value = value.trim().trim_matches('"').trim();
    if value.is_empty() {
        return;
    }
    match key.as_str() {
        "title" => header.title = Some(value.to_owned()),
        "date" | "published" => {
            if let Some(date) = iso_date_in(value) {
                header.date = Some(date);
            }
        }
        "url" | "original" | "link" | "source" => {
            if let Some(url) = url_in(value) {
                header.url = Some(url);
            }
        }
        "author" => header.author = Some(link_text(value)),
        _ => {}
    }
}

/// The first `YYYY-MM-DD` in a value.
fn iso_date_in(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    (0..bytes.len().saturating_sub(9)).find_map(|i| {
        let slice = value.get(i..i + 10)?;
        let b = slice.as_bytes();
        let shape = b.iter().enumerate().all(|(k, c)| if k == 4 || k == 7 { *c == b'-' } else { c.is_ascii_digit() });
        shape.then(|| slice.to_owned())
    })
}

/// The first http(s) URL in a value (a bare one or a Markdown link's target).
fn url_in(value: &str) -> Option<String> {
    let start = value.find("http://").or_else(|| value.find("https://"))?;
    let rest = &value[start..];
    let end = rest.find([')', ' ', '>', '"']).unwrap_or(rest.len());
    Some(rest[..end].to_owned())
}

/// The text of a Markdown link, or the value itself.
fn link_text(value: &str) -> String {
    match (value.find('['), value.find("](")) {
        (Some(open), Some(close)) if open < close => value[open + 1..close].to_owned(),
        _ => value.to_owned(),
    }
}

/// Splits a line into runs of prose: images, link targets, emphasis marks and inline HTML
/// end a run; a link's text is a run of its own.
fn plain_runs(line: &str, runs: &mut Vec<String>) {
    let mut current = String::new();
    let flush = |current: &mut String, runs: &mut Vec<String>| {
        let text = current.trim();
        if text.chars().any(|c| c.is_alphanumeric()) {
            runs.push(text.to_owned());
        }
        current.clear();
    };
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("![") {
            // An image: its alt text and target are not prose.
            flush(&mut current, runs);
            let after = rest.find("](").and_then(|i| rest[i..].find(')').map(|j| i + j + 1)).unwrap_or(rest.len());
            rest = &rest[after..];
            continue;
        }
        if rest.starts_with("](") {
            // A link's target.
            flush(&mut current, runs);
            let after = rest.find(')').map_or(rest.len(), |i| i + 1);
            rest = &rest[after..];
            continue;
        }
        if rest.starts_with("**") || rest.starts_with("__") || rest.starts_with('[') || rest.starts_with(']') {
            flush(&mut current, runs);
            rest = &rest[if rest.starts_with("**") || rest.starts_with("__") { 2 } else { 1 }..];
            continue;
        }
        if rest.starts_with('<') {
            if let Some(end) = rest.find('>') {
                flush(&mut current, runs);
                rest = &rest[end + 1..];
                continue;
            }
        }
        if rest.starts_with("http://") || rest.starts_with("https://") {
            flush(&mut current, runs);
            let end = rest.find(|c: char| c.is_whitespace() || c == ')').unwrap_or(rest.len());
            rest = &rest[end..];
            continue;
        }
        current.push(c);
        rest = &rest[c.len_utf8()..];
    }
    flush(&mut current, runs);
}

/// The sentences of a run, each trimmed, with a closing quotation mark kept with its sentence.
pub fn sentences(run: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = run.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        let ends = match c {
            '。' | '！' | '？' | '!' | '?' | '…' => true,
            // A full stop in Latin text: followed by a space or the end, not inside 377.56.
            '.' => chars.get(i + 1).is_none_or(|(_, n)| n.is_whitespace()),
            _ => false,
        };
        if ends {
            let mut end = at + c.len_utf8();
            while let Some((next_at, next)) = chars.get(i + 1) {
                if matches!(next, '”' | '’' | '」' | '』' | '"' | '）' | ')' | '…') {
                    end = next_at + next.len_utf8();
                    i += 1;
                } else {
                    break;
                }
            }
            push_trimmed(&run[start..end], &mut out);
            start = end;
        }
        i += 1;
    }
    push_trimmed(&run[start..], &mut out);
    out
}

fn push_trimmed<'a>(text: &'a str, out: &mut Vec<&'a str>) {
    let text = text.trim();
    if text.chars().any(|c| c.is_alphanumeric()) {
        out.push(text);
    }
}

/// The byte ranges of a sentence's clauses, split at commas, semicolons and colons.
pub fn clauses(sentence: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (at, c) in sentence.char_indices() {
        if matches!(c, '，' | '；' | '：' | ',' | ';' | ':') {
            if at > start {
                out.push(start..at);
            }
            start = at + c.len_utf8();
        }
    }
    if start < sentence.len() {
        out.push(start..sentence.len());
    }
    out
}

/// The shortest run of whole clauses covering `span`, trimmed of end punctuation.
pub fn clause_around(sentence: &str, span: std::ops::Range<usize>) -> &str {
    let clauses = clauses(sentence);
    let first = clauses.iter().find(|c| c.end > span.start).map_or(0, |c| c.start);
    let last = clauses.iter().rev().find(|c| c.start < span.end).map_or(sentence.len(), |c| c.end);
    sentence[first..last.max(first)].trim().trim_end_matches(['。', '！', '？', '.', '!', '?']).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_runs() {
        let text = "# 标题一\n**Published:** 2025-04-21\n**Original:** [View](https://example.org/a.html)\n\n正文[链接文字](https://x.org)继续。![](https://img)下一句。\n";
        let article = read(text);
        assert_eq!(article.header.title.as_deref(), Some("标题一"));
        assert_eq!(article.header.date.as_deref(), Some("2025-04-21"));
        assert_eq!(article.header.url.as_deref(), Some("https://example.org/a.html"));
        assert_eq!(article.runs, vec!["正文", "链接文字", "继续。", "下一句。"]);
    }

    #[test]
    fn sentences_keep_quotes_and_decimals() {
        assert_eq!(
            sentences("他说：“好。”然后377.56亿元。Next one. End"),
            vec!["他说：“好。”", "然后377.56亿元。", "Next one.", "End"]
        );
        let s = "2016年，阿里成立淘天海外业务，专门负责海外市场";
        let at = s.find("阿里").unwrap();
        assert_eq!(clause_around(s, at..at + 6), "阿里成立淘天海外业务");
    }
}
