//! Aligned text tables that measure display width, so Chinese labels line up.

use comfy_table::{presets, ContentArrangement, Table};

/// The width text output should fit: `COLUMNS` when set, else the terminal's when
/// standard output is one; `None` (no limit) for a pipe or a file.
pub fn output_width() -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok()) {
        return Some(columns.max(20));
    }
    terminal_size::terminal_size_of(std::io::stdout()).map(|(width, _)| usize::from(width.0).max(20))
}

/// The most characters of one cell a terminal table shows (a 10 MB literal would make the
/// layout crawl and fill the screen); machine formats keep every value whole.
const MAX_CELL: usize = 2000;

/// `cell`, cut at `MAX_CELL` characters with a note of how much is left out.
fn shown(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.char_indices().nth(MAX_CELL) {
        None => std::borrow::Cow::Borrowed(cell),
        Some((at, _)) => std::borrow::Cow::Owned(format!(
            "{}… ({} more characters; --format csv or json shows it whole)",
            &cell[..at],
            cell[at..].chars().count()
        )),
    }
}

/// A plain table for the terminal: a header and rows of cells, long cells wrapped so the
/// table fits the output width when there is one.
pub fn text_table(header: &[String], rows: &[Vec<String>]) -> String {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED).set_header(header.to_vec());
    match output_width() {
        Some(width) => {
            table.set_content_arrangement(ContentArrangement::Dynamic).set_width(width.min(u16::MAX as usize) as u16);
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    for row in rows {
        table.add_row(row.iter().map(|cell| shown(cell).into_owned()).collect::<Vec<_>>());
    }
    table.to_string()
}

/// Rows as records, `─[ 1 ]─` then one `column │ value` line per non-empty cell, values
/// wrapped at `width` (by display width, so Chinese text wraps right).
pub fn records(header: &[String], rows: &[Vec<String>], width: Option<usize>) -> String {
    use unicode_width::UnicodeWidthStr;
    let name_width = header.iter().map(|h| h.width()).max().unwrap_or(0);
    let value_width = width.map(|w| w.saturating_sub(name_width + 3).max(10));
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let title = format!("─[ {} ]", i + 1);
        let rule = width.unwrap_or(40).min(80).saturating_sub(title.width());
        out.push_str(&format!("{title}{}\n", "─".repeat(rule)));
        for (name, value) in header.iter().zip(row) {
            if value.is_empty() {
                continue;
            }
            let pad = " ".repeat(name_width - name.width());
            for (j, line) in wrap(&shown(value), value_width).iter().enumerate() {
                let label = if j == 0 { format!("{name}{pad}") } else { " ".repeat(name_width) };
                out.push_str(&format!("{label} │ {line}\n"));
            }
        }
    }
    out
}

/// `text` cut into lines at most `width` columns wide, at spaces where there are any (Chinese
/// text, which has none, is cut between characters).
fn wrap(text: &str, width: Option<usize>) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let Some(width) = width else { return text.lines().map(str::to_owned).collect() };
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        let mut line_width = 0;
        let mut last_space: Option<usize> = None;
        for c in paragraph.chars() {
            let w = c.width().unwrap_or(0);
            if line_width + w > width && !line.is_empty() {
                match last_space {
                    Some(at) if at > 0 => {
                        let rest = line.split_off(at);
                        lines.push(line.trim_end().to_owned());
                        line = rest.trim_start().to_owned();
                    }
                    _ => lines.push(std::mem::take(&mut line)),
                }
                line_width = unicode_width::UnicodeWidthStr::width(line.as_str());
                last_space = None;
            }
            if c == ' ' {
                last_space = Some(line.len());
            }
            line.push(c);
            line_width += w;
        }
        lines.push(line);
    }
    lines
}

/// A Markdown table; pipes and newlines in cells are escaped.
pub fn markdown_table(header: &[String], rows: &[Vec<String>]) -> String {
    let escape = |cell: &str| cell.replace('|', "\\|").replace('\n', " ");
    let mut out = String::new();
    out.push_str(&format!("| {} |\n", header.iter().map(|h| escape(h)).collect::<Vec<_>>().join(" | ")));
    out.push_str(&format!("|{}\n", header.iter().map(|_| "---|").collect::<String>()));
    for row in rows {
        out.push_str(&format!("| {} |\n", row.iter().map(|c| escape(c)).collect::<Vec<_>>().join(" | ")));
    }
    out
}

/// Separated values: CSV quotes cells as RFC 4180 says; TSV replaces tabs and newlines.
pub fn separated(header: &[String], rows: &[Vec<String>], separator: char) -> String {
    let cell = |text: &str| -> String {
        if separator == ',' {
            if text.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", text.replace('"', "\"\""))
            } else {
                text.to_owned()
            }
        } else {
            text.replace(['\t', '\n', '\r'], " ")
        }
    };
    let mut out = String::new();
    for line in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        let cells: Vec<String> = line.iter().map(|c| cell(c)).collect();
        out.push_str(&cells.join(&separator.to_string()));
        out.push_str(if separator == ',' { "\r\n" } else { "\n" });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_cells_line_up() {
        let table = text_table(&["name".into()], &[vec!["速卖通".into()], vec!["Temu".into()]]);
        let widths: Vec<usize> = table.lines().map(unicode_width::UnicodeWidthStr::width).collect();
        assert!(widths.windows(2).all(|w| w[0] == w[1]), "{table}");
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(separated(&["a".into()], &[vec!["x,\"y\"".into()]], ','), "a\r\n\"x,\"\"y\"\"\"\r\n");
    }
}
