//! Tables in and out of CSV and XLSX files, keeping every cell's position so that validation errors
//! can name the file, row and column.
//!
//! Reading: CSV in UTF-8 (with or without a byte-order mark) or in GB18030, the encoding Excel uses
//! when a Chinese-locale user saves "CSV (逗号分隔)"; XLSX through calamine (the first sheet, or the
//! named one). Writing: CSV in UTF-8 with a byte-order mark, so that Excel on Chinese Windows opens
//! it without mojibake, and XLSX through rust_xlsxwriter with a bold frozen header.
#![deny(missing_docs)]

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

/// Why a file could not be read as a table.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TabularError {
    /// The CSV is malformed.
    #[error("{file}: row {row}: {message}")]
    Csv {
        /// File name.
        file: String,
        /// 1-based row number.
        row: usize,
        /// What is wrong.
        message: String,
    },
    /// The spreadsheet could not be opened or has no such sheet.
    #[error("{file}: {message}")]
    Spreadsheet {
        /// File name.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The file has no header row.
    #[error("{file}: the file is empty (a header row is required)")]
    Empty {
        /// File name.
        file: String,
    },
    /// Writing failed.
    #[error("writing {what}: {message}")]
    Write {
        /// What was written.
        what: String,
        /// Why it failed.
        message: String,
    },
}

/// A data row of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Row number in the file, 1-based, counting the header as row 1 (what Excel shows).
    pub number: usize,
    /// Cells as text, as many as the header has (missing cells are empty).
    pub cells: Vec<String>,
}

/// A table read from a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// File name, for messages.
    pub file: String,
    /// Header cells, trimmed.
    pub header: Vec<String>,
    /// Data rows; fully empty rows are dropped.
    pub rows: Vec<Row>,
    /// Whether the file was a spreadsheet (columns are then named by letter in messages).
    pub spreadsheet: bool,
}

impl Table {
    /// The index of the column whose header is one of `names`.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        self.header
            .iter()
            .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
    }

    /// How a column is named in messages: `C (province)` for spreadsheets, `province` for CSV.
    pub fn column_label(&self, index: usize) -> String {
        let name = self.header.get(index).map(String::as_str).unwrap_or("?");
        if self.spreadsheet {
            format!("{} ({name})", column_letter(index))
        } else {
            name.to_string()
        }
    }
}

/// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Reads a CSV or XLSX file, by its content (XLSX files are ZIP archives) and then its name.
pub fn read(file: &str, bytes: &[u8]) -> Result<Table, TabularError> {
    let lower = file.to_ascii_lowercase();
    if bytes.starts_with(b"PK\x03\x04") || lower.ends_with(".xlsx") || lower.ends_with(".xls") {
        read_spreadsheet(file, bytes, None)
    } else {
        read_csv(file, bytes)
    }
}

/// Decodes CSV bytes: UTF-8 (a leading BOM is dropped), else GB18030.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

/// Reads a CSV file.
pub fn read_csv(file: &str, bytes: &[u8]) -> Result<Table, TabularError> {
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header: Vec<String> = match records.next() {
        None => {
            return Err(TabularError::Empty { file: file.into() });
        }
        Some(Err(e)) => {
            return Err(TabularError::Csv {
                file: file.into(),
                row: 1,
                message: e.to_string(),
            });
        }
        Some(Ok(r)) => r.iter().map(|c| c.trim().to_string()).collect(),
    };
    let mut rows = Vec::new();
    for record in records {
        let record = record.map_err(|e| TabularError::Csv {
            file: file.into(),
            row: e.position().map_or(0, |p| p.line() as usize),
            message: e.to_string(),
        })?;
        let number = record
            .position()
            .map_or(rows.len() + 2, |p| p.line() as usize);
        let mut cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        cells.resize(header.len().max(cells.len()), String::new());
        rows.push(Row { number, cells });
    }
    Ok(Table {
        file: file.into(),
        header,
        rows,
        spreadsheet: false,
    })
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => format_number(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
            if (h, min, s) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}:{s:02}")
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Shortest text that reads back as the same number; integral values without a decimal point
/// (Excel stores 2018 as 2018.0).
pub fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Reads a spreadsheet: the named sheet, or the first.
pub fn read_spreadsheet(
    file: &str,
    bytes: &[u8],
    sheet: Option<&str>,
) -> Result<Table, TabularError> {
    let err = |message: String| TabularError::Spreadsheet {
        file: file.into(),
        message,
    };
    let mut workbook =
        open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).map_err(|e| err(e.to_string()))?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| {
                err(format!(
                    "no sheet named {s:?} (sheets: {})",
                    names.join(", ")
                ))
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| err("the workbook has no sheet".into()))?,
    };
    let range = workbook
        .worksheet_range(&name)
        .map_err(|e| err(e.to_string()))?;
    // Row numbers as Excel shows them, even when the used range does not start at A1.
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let first_col = range.start().map_or(0, |(_, c)| c as usize);
    let mut rows_iter = range.rows().enumerate();
    let Some((_, header_cells)) = rows_iter.next() else {
        return Err(TabularError::Empty { file: file.into() });
    };
    let mut header: Vec<String> = vec![String::new(); first_col];
    header.extend(header_cells.iter().map(cell_text));
    let mut rows = Vec::new();
    for (i, cells) in rows_iter {
        let mut text: Vec<String> = vec![String::new(); first_col];
        text.extend(cells.iter().map(cell_text));
        if text.iter().all(String::is_empty) {
            continue;
        }
        text.resize(header.len().max(text.len()), String::new());
        rows.push(Row {
            number: first_row + i + 1,
            cells: text,
        });
    }
    // Columns left of the used range have empty headers; drop them from both sides.
    let lead = header.iter().take_while(|h| h.is_empty()).count();
    if lead > 0 {
        header.drain(..lead);
        for r in &mut rows {
            r.cells.drain(..lead.min(r.cells.len()));
        }
    }
    Ok(Table {
        file: file.into(),
        header,
        rows,
        spreadsheet: true,
    })
}

/// A cell to write.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A number (written as a number in XLSX, shortest round-trip text in CSV).
    Number(f64),
    /// Nothing.
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<Option<f64>> for Cell {
    fn from(v: Option<f64>) -> Cell {
        match v {
            Some(x) if x.is_finite() => Cell::Number(x),
            _ => Cell::Empty,
        }
    }
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(x) => format!("{x}"),
            Cell::Empty => String::new(),
        }
    }
}

/// Writes a CSV file in UTF-8 with a byte-order mark.
pub fn write_csv(header: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>, TabularError> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let write_err = |e: csv::Error| TabularError::Write {
            what: "CSV".into(),
            message: e.to_string(),
        };
        w.write_record(header).map_err(write_err)?;
        for r in rows {
            w.write_record(r.iter().map(Cell::text))
                .map_err(write_err)?;
        }
        w.flush().map_err(|e| TabularError::Write {
            what: "CSV".into(),
            message: e.to_string(),
        })?;
    }
    Ok(out)
}

/// Writes an XLSX workbook with one sheet.
pub fn write_xlsx(
    sheet: &str,
    header: &[&str],
    rows: &[Vec<Cell>],
) -> Result<Vec<u8>, TabularError> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| TabularError::Write {
        what: "XLSX".into(),
        message: e.to_string(),
    };
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).map_err(err)?;
    let bold = Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(err)?;
        ws.set_column_width(c as u16, (h.chars().count() as f64 * 2.2).clamp(10.0, 40.0))
            .map_err(err)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = (r + 1) as u32;
        for (c, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(s) => {
                    ws.write_string(r, c as u16, s).map_err(err)?;
                }
                Cell::Number(x) => {
                    ws.write_number(r, c as u16, *x).map_err(err)?;
                }
                Cell::Empty => {}
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    book.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn csv_round_trip_with_bom_and_positions() {
        let bytes = write_csv(
            &["name", "value"],
            &[
                vec!["甲·园区".into(), Cell::Number(1.5)],
                vec![Cell::Empty, Cell::Empty],
                vec!["乙".into(), Cell::Number(2.0)],
            ],
        )
        .unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let t = read("x.csv", &bytes).unwrap();
        assert_eq!(t.header, vec!["name", "value"]);
        assert_eq!(t.rows.len(), 2, "the empty row is dropped");
        assert_eq!(t.rows[0].cells, vec!["甲·园区", "1.5"]);
        assert_eq!(t.rows[1].number, 4);
    }

    #[test]
    fn gb18030_csv_is_decoded() {
        let (encoded, _, _) = encoding_rs::GB18030.encode("名称,省份\n装备制造·长沙,湖南省\n");
        let t = read("legacy.csv", &encoded).unwrap();
        assert_eq!(t.header, vec!["名称", "省份"]);
        assert_eq!(t.rows[0].cells[1], "湖南省");
    }

    #[test]
    fn xlsx_round_trip() {
        let bytes = write_xlsx(
            "名录",
            &["name", "batch"],
            &[vec![
                "装备制造(工程机械)·长沙经济技术开发区".into(),
                Cell::Number(1.0),
            ]],
        )
        .unwrap();
        let t = read("roll.xlsx", &bytes).unwrap();
        assert!(t.spreadsheet);
        assert_eq!(
            t.rows[0].cells,
            vec!["装备制造(工程机械)·长沙经济技术开发区", "1"]
        );
        assert_eq!(t.rows[0].number, 2);
        assert_eq!(t.column_label(1), "B (batch)");
        let named = read_spreadsheet("roll.xlsx", &bytes, Some("名录")).unwrap();
        assert_eq!(named.rows.len(), 1);
        assert!(read_spreadsheet("roll.xlsx", &bytes, Some("nope")).is_err());
    }
}
