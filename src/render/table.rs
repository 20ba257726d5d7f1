//! Aligned text tables that measure display width, so Chinese labels line up.

use comfy_table::{presets, ContentArrangement, Table};

/// A plain table for the terminal: a header and rows of cells.
pub fn text_table(header: &[String], rows: &[Vec<String>]) -> String {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.to_vec());
    for row in rows {
        table.add_row(row.clone());
    }
    table.to_string()
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
