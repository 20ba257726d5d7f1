//! Dates and periods as fact files write them, checked and typed for RDF.

use crate::vocab::std_terms::{XSD_DATE, XSD_G_YEAR, XSD_G_YEAR_MONTH};
use oxigraph::model::{Literal, NamedNodeRef};

/// A calendar date at year, month or day precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FactDate {
    Year(i32),
    Month(i32, u32),
    Day(i32, u32, u32),
}

impl FactDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, rejecting impossible dates.
    pub fn parse(text: &str) -> Result<FactDate, String> {
        let parts: Vec<&str> = text.trim().split('-').collect();
        let number = |part: &str, digits: usize, what: &str| -> Result<u32, String> {
            if part.len() != digits || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("`{text}` is not a date: the {what} needs {digits} digits"));
            }
            part.parse::<u32>().map_err(|e| e.to_string())
        };
        let year = number(parts[0], 4, "year")? as i32;
        match parts.len() {
            1 => Ok(FactDate::Year(year)),
            2 => {
                let month = number(parts[1], 2, "month")?;
                check_month(text, month)?;
                Ok(FactDate::Month(year, month))
            }
            3 => {
                let month = number(parts[1], 2, "month")?;
                check_month(text, month)?;
                let day = number(parts[2], 2, "day")?;
                let last = days_in_month(year, month);
                if day == 0 || day > last {
                    return Err(format!("`{text}` is not a real date: month {month} of {year} has {last} days"));
                }
                Ok(FactDate::Day(year, month, day))
            }
            _ => Err(format!("`{text}` is not a date")),
        }
    }

    /// The first day this date may mean (a year from 1 January).
    pub fn first_day(self) -> (i32, u32, u32) {
        match self {
            FactDate::Year(y) => (y, 1, 1),
            FactDate::Month(y, m) => (y, m, 1),
            FactDate::Day(y, m, d) => (y, m, d),
        }
    }

    /// The last day this date may mean (a year to 31 December).
    pub fn last_day(self) -> (i32, u32, u32) {
        match self {
            FactDate::Year(y) => (y, 12, 31),
            FactDate::Month(y, m) => (y, m, days_in_month(y, m)),
            FactDate::Day(y, m, d) => (y, m, d),
        }
    }

    /// The typed literal: `xsd:gYear`, `xsd:gYearMonth` or `xsd:date`.
    pub fn to_literal(self) -> Literal {
        let (lexical, datatype): (String, NamedNodeRef<'_>) = match self {
            FactDate::Year(y) => (format!("{y:04}"), XSD_G_YEAR),
            FactDate::Month(y, m) => (format!("{y:04}-{m:02}"), XSD_G_YEAR_MONTH),
            FactDate::Day(y, m, d) => (format!("{y:04}-{m:02}-{d:02}"), XSD_DATE),
        };
        Literal::new_typed_literal(lexical, datatype)
    }
}

fn check_month(text: &str, month: u32) -> Result<(), String> {
    if (1..=12).contains(&month) {
        Ok(())
    } else {
        Err(format!("`{text}` is not a date: there is no month {month}"))
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A named period (`2024-Q4`, `2024-H1`) and the first and last day it covers.
pub fn parse_period(text: &str) -> Result<(FactDate, FactDate), String> {
    let bad = || format!("`{text}` is not a period: write YYYY-Qn or YYYY-Hn, or use start and end");
    let (year, part) = text.trim().split_once('-').ok_or_else(bad)?;
    let year = match FactDate::parse(year)? {
        FactDate::Year(y) => y,
        _ => return Err(bad()),
    };
    let (first_month, months) = match part {
        "Q1" => (1, 3),
        "Q2" => (4, 3),
        "Q3" => (7, 3),
        "Q4" => (10, 3),
        "H1" => (1, 6),
        "H2" => (7, 6),
        _ => return Err(bad()),
    };
    let last_month = first_month + months - 1;
    Ok((FactDate::Day(year, first_month, 1), FactDate::Day(year, last_month, days_in_month(year, last_month))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<FactDate, ()>) {
        assert_eq!(FactDate::parse(input).map_err(|_| ()), expected, "{input}");
    }

    #[test]
    fn dates() {
        check("2010", Ok(FactDate::Year(2010)));
        check("2024-09", Ok(FactDate::Month(2024, 9)));
        check("2024-02-29", Ok(FactDate::Day(2024, 2, 29)));
        check("2025-02-30", Err(()));
        check("2025-13", Err(()));
        check("25-01-01", Err(()));
        check("2025-1-1", Err(()));
        check("soon", Err(()));
    }

    #[test]
    fn periods() {
        assert_eq!(parse_period("2024-Q4").unwrap(), (FactDate::Day(2024, 10, 1), FactDate::Day(2024, 12, 31)));
        assert!(parse_period("2024-Q5").is_err());
    }

    #[test]
    fn literals_are_typed() {
        assert_eq!(
            FactDate::parse("2024-11-21").unwrap().to_literal().to_string(),
            "\"2024-11-21\"^^<http://www.w3.org/2001/XMLSchema#date>"
        );
    }
}
