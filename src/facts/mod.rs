//! Fact files: the serde model of the TOML format, parsing with source locations, and the
//! problems a file can have. `lower` turns parsed files into quads; `dates` types dates.

pub mod dates;
pub mod lower;
pub mod quotes;

use serde::Deserialize;
use std::fmt;
use std::ops::Range;
use toml::Spanned;

/// The deepest bracket nesting a fact file may have.
const MAX_NESTING: usize = 64;

/// One fact file, parsed, with its text kept for locations.
#[derive(Debug)]
pub struct FactFile {
    /// The name shown in messages: the path as the user gave it, or `builtin:data/x.toml`.
    pub name: String,
    /// The folder that relative paths in the file (a source's `text`) are resolved against.
    pub base_dir: Option<std::path::PathBuf>,
    text: String,
    /// Where each line starts, made on the first located problem: thousands of problems
    /// are located by binary search, not by rescanning the text.
    line_starts: std::sync::OnceLock<Vec<usize>>,
    /// The parsed tables.
    pub doc: FactDoc,
}

/// The tables of a fact file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactDoc {
    #[serde(default)]
    pub source: Vec<Spanned<SourceDecl>>,
    #[serde(default)]
    pub entity: Vec<Spanned<EntityDecl>>,
    #[serde(default)]
    pub relation: Vec<Spanned<RelationDecl>>,
    #[serde(default)]
    pub attribute: Vec<Spanned<AttributeDecl>>,
    #[serde(default)]
    pub figure: Vec<Spanned<FigureDecl>>,
}

/// A `[[source]]` table: the document facts are quoted from.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceDecl {
    pub id: Spanned<String>,
    pub title: String,
    pub title_en: Option<String>,
    pub author: Option<Spanned<String>>,
    pub publisher: Option<Spanned<String>>,
    pub date: Option<Spanned<String>>,
    pub url: Option<String>,
    pub language: Option<String>,
    /// A local copy of the text, relative to the fact file, used to verify quotes.
    pub text: Option<Spanned<String>>,
}

/// An `[[entity]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityDecl {
    pub id: Spanned<String>,
    pub class: Spanned<OneOrMany>,
    pub en: Option<Spanned<String>>,
    pub zh: Option<Spanned<String>>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub description: Option<String>,
    /// Another id (declared here or already in the store) this entity is the same as: the
    /// loader merges it into that one.
    pub same_as: Option<Spanned<String>>,
    /// A candidate `draft` wrote that nobody has confirmed yet.
    pub draft: Option<Spanned<bool>>,
}

/// A class field: one name or a list of names.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    /// The names, in order.
    pub fn items(&self) -> Vec<&String> {
        match self {
            OneOrMany::One(one) => vec![one],
            OneOrMany::Many(many) => many.iter().collect(),
        }
    }
}

/// A `[[relation]]` table: entity → property → entity.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationDecl {
    pub subject: Spanned<String>,
    pub property: Spanned<String>,
    pub object: Spanned<String>,
    pub start: Option<Spanned<String>>,
    pub end: Option<Spanned<String>>,
    pub quote: Option<Spanned<String>>,
    pub source: Option<Spanned<String>>,
    pub claimed_by: Option<Spanned<String>>,
    pub note: Option<String>,
    /// A candidate `draft` wrote that nobody has confirmed yet.
    pub draft: Option<Spanned<bool>>,
}

/// An `[[attribute]]` table: entity → property → literal.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeDecl {
    pub subject: Spanned<String>,
    pub property: Spanned<String>,
    pub value: Spanned<Scalar>,
    pub quote: Option<Spanned<String>>,
    pub source: Option<Spanned<String>>,
    pub claimed_by: Option<Spanned<String>>,
    pub note: Option<String>,
    /// A candidate `draft` wrote that nobody has confirmed yet.
    pub draft: Option<Spanned<bool>>,
}

/// A `[[figure]]` table: one measured or claimed number.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureDecl {
    pub subject: Spanned<String>,
    pub metric: Spanned<String>,
    pub value: Spanned<Scalar>,
    pub unit: Option<String>,
    pub date: Option<Spanned<String>>,
    pub start: Option<Spanned<String>>,
    pub end: Option<Spanned<String>>,
    pub period: Option<Spanned<String>>,
    pub context: Option<Spanned<String>>,
    pub qualifier: Option<Spanned<String>>,
    pub quote: Option<Spanned<String>>,
    pub source: Option<Spanned<String>>,
    pub claimed_by: Option<Spanned<String>>,
    pub note: Option<String>,
    /// A candidate `draft` wrote that nobody has confirmed yet.
    pub draft: Option<Spanned<bool>>,
}

/// A literal value as TOML writes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Integer(i64),
    Float(f64),
    Bool(bool),
    Text(String),
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Integer(v) => write!(f, "{v}"),
            Scalar::Float(v) => write!(f, "{v}"),
            Scalar::Bool(v) => write!(f, "{v}"),
            Scalar::Text(v) => f.write_str(v),
        }
    }
}

/// One thing wrong with a fact file, located in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file's display name.
    pub file: String,
    /// 1-based line, 0 when the problem is not tied to a place.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
    /// What is wrong, one lowercase line.
    pub message: String,
    /// How to fix it, when there is an obvious way.
    pub hint: Option<String>,
    /// A warning does not stop a load; an error does.
    pub severity: Severity,
}

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        } else {
            write!(f, "{}: ", self.file)?;
        }
        if self.severity == Severity::Warning {
            f.write_str("warning: ")?;
        }
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

impl FactFile {
    /// Parses a fact file; a syntax or shape error is returned as one located problem.
    pub fn parse(
        name: impl Into<String>,
        base_dir: Option<std::path::PathBuf>,
        text: impl Into<String>,
    ) -> Result<FactFile, Problem> {
        let name = name.into();
        let mut text: String = text.into();
        if let Some(stripped) = text.strip_prefix('\u{feff}') {
            text = stripped.to_owned();
        }
        let depth = crate::limits::nesting_depth(&text);
        if depth > MAX_NESTING {
            return Err(Problem {
                file: name,
                line: 0,
                column: 0,
                message: format!("the file nests brackets {depth} deep, more than the {MAX_NESTING} allowed"),
                hint: Some("fact files need no nested arrays or tables".into()),
                severity: Severity::Error,
            });
        }
        match toml::from_str::<FactDoc>(&text) {
            Ok(doc) => Ok(FactFile { name, base_dir, text, line_starts: std::sync::OnceLock::new(), doc }),
            Err(error) => {
                let (line, column) = error.span().map_or((0, 0), |span| line_column(&text, span.start));
                let message = error.message().trim().replace('\n', " ");
                Err(Problem {
                    file: name,
                    line,
                    column,
                    message: lowercase_first(&message),
                    hint: Some("see docs/fact-format.md for the fields of each table".into()),
                    severity: Severity::Error,
                })
            }
        }
    }

    /// The file's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// A problem located at `span` in this file.
    pub fn problem_at(&self, span: Range<usize>, message: impl Into<String>, hint: Option<String>) -> Problem {
        let starts = self
            .line_starts
            .get_or_init(|| std::iter::once(0).chain(self.text.match_indices('\n').map(|(i, _)| i + 1)).collect());
        let offset = floor_char_boundary(&self.text, span.start.min(self.text.len()));
        let line = starts.partition_point(|start| *start <= offset);
        let column = self.text[starts[line - 1]..offset].chars().count() + 1;
        Problem { file: self.name.clone(), line, column, message: message.into(), hint, severity: Severity::Error }
    }

    /// The number of facts (relations, attributes and figures) the file states.
    pub fn fact_count(&self) -> usize {
        self.doc.relation.len() + self.doc.attribute.len() + self.doc.figure.len()
    }
}

/// The 1-based line and character column of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// True when `text` contains a CJK ideograph, used to tag labels and quotes `zh`.
pub fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F))
}

/// True when `id` is a valid fact-file id: lowercase ASCII letters, digits and inner hyphens.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_count_characters_not_bytes() {
        assert_eq!(line_column("ab\n淘宝x", 9), (2, 3));
        assert_eq!(line_column("", 0), (1, 1));
    }

    #[test]
    fn syntax_errors_are_located() {
        let problem = FactFile::parse("x.toml", None, "[[entity]]\nid = \n").unwrap_err();
        assert_eq!((problem.line, problem.file.as_str()), (2, "x.toml"));
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let text = "[[entity]]\nid = \"a\"\nclass = \"Platform\"\ncolour = 1\n";
        let problem = FactFile::parse("x.toml", None, text).unwrap_err();
        assert!(problem.message.contains("colour"), "{}", problem.message);
    }

    #[test]
    fn ids_are_checked() {
        assert!(is_valid_id("1688overseas"));
        assert!(!is_valid_id("Ali Express"));
        assert!(!is_valid_id("-x"));
    }
}
