//! XLSX in and out. In: the workbook's archive is checked against the limits before it is opened
//! (entries and declared sizes, which the ZIP reader then enforces while inflating), and the sheet
//! is streamed cell by cell, each non-empty cell checked against the row, column, cell and length
//! limits; no range is ever allocated from the sheet's declared dimensions. Out: rust_xlsxwriter
//! with a bold frozen header.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};

use crate::Limits;
use crate::table::{Cell, Row, Table, TabularError, column_letter, format_number};

/// Reads a spreadsheet within [`Limits::UPLOAD`]: the named sheet, or the first.
pub fn read_spreadsheet(
    file: &str,
    bytes: &[u8],
    sheet: Option<&str>,
) -> Result<Table, TabularError> {
    read_spreadsheet_with(file, bytes, sheet, &Limits::UPLOAD)
}

/// Checks a workbook's archive before anything is inflated.
fn check_archive(file: &str, bytes: &[u8], limits: &Limits) -> Result<(), TabularError> {
    let too_large = |message: String| TabularError::TooLarge {
        file: file.into(),
        message,
    };
    if bytes.len() > limits.max_file_bytes {
        return Err(too_large(format!(
            "the file has {} bytes; at most {} are read",
            bytes.len(),
            limits.max_file_bytes
        )));
    }
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| TabularError::Spreadsheet {
            file: file.into(),
            message: format!("not a readable .xlsx workbook ({e})"),
        })?;
    if archive.len() > limits.max_archive_entries {
        return Err(too_large(format!(
            "the workbook holds {} parts; at most {} are read",
            archive.len(),
            limits.max_archive_entries
        )));
    }
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| TabularError::Spreadsheet {
                file: file.into(),
                message: format!("a damaged part of the workbook ({e})"),
            })?;
        total = total.saturating_add(entry.size());
    }
    if total > limits.max_uncompressed_bytes {
        return Err(too_large(format!(
            "the workbook unpacks to {total} bytes; at most {} are read",
            limits.max_uncompressed_bytes
        )));
    }
    Ok(())
}

fn cell_text(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            s.trim().to_string()
        }
        DataRef::SharedString(s) => s.trim().to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => format_number(*f),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => {
            let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
            if (h, min, s) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}:{s:02}")
            }
        }
        DataRef::Error(e) => format!("#{e:?}"),
    }
}

/// Reads a spreadsheet within `limits`: the named sheet, or the first.
pub fn read_spreadsheet_with(
    file: &str,
    bytes: &[u8],
    sheet: Option<&str>,
    limits: &Limits,
) -> Result<Table, TabularError> {
    let err = |message: String| TabularError::Spreadsheet {
        file: file.into(),
        message,
    };
    let too_large = |message: String| TabularError::TooLarge {
        file: file.into(),
        message,
    };
    check_archive(file, bytes, limits)?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| err(format!("not a readable .xlsx workbook ({e})")))?;
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
    let mut reader = workbook
        .worksheet_cells_reader(&name)
        .map_err(|e| err(e.to_string()))?;
    // Only non-empty cells are kept, with their position: memory follows what the sheet holds,
    // never what its dimension claims. Sheets store their cells row by row, so the list is
    // almost always in order already; it is sorted only when it is not (a `BTreeMap` of
    // 600,000 cells cost a tenth of a second more).
    let mut cells: Vec<((u32, u32), String)> = Vec::new();
    let mut in_order = true;
    while let Some(cell) = reader.next_cell().map_err(|e| err(e.to_string()))? {
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        let (row, col) = cell.get_position();
        let at = || format!("{}{}", column_letter(col as usize), row as u64 + 1);
        if col as usize >= limits.max_columns {
            return Err(too_large(format!(
                "cell {} lies beyond column {}; at most {} columns are read",
                at(),
                column_letter(limits.max_columns - 1),
                limits.max_columns
            )));
        }
        if row as usize > limits.max_rows {
            return Err(too_large(format!(
                "cell {} lies beyond row {}",
                at(),
                limits.max_rows + 1
            )));
        }
        if text.chars().count() > limits.max_cell_chars {
            return Err(too_large(format!(
                "cell {} holds more than {} characters",
                at(),
                limits.max_cell_chars
            )));
        }
        if cells.len() >= limits.max_cells {
            return Err(too_large(format!(
                "more than {} non-empty cells; split the file",
                limits.max_cells
            )));
        }
        if cells.last().is_some_and(|(last, _)| *last >= (row, col)) {
            in_order = false;
        }
        cells.push(((row, col), text));
    }
    if !in_order {
        // A cell written twice keeps its last text, as the map did.
        cells.reverse();
        cells.sort_by_key(|(at, _)| *at);
        cells.dedup_by_key(|(at, _)| *at);
    }
    // The table starts at its first non-empty row (the header) and leftmost non-empty column, as
    // Excel's used range does; row numbers stay those Excel shows.
    let Some(first_row) = cells.first().map(|((row, _), _)| *row) else {
        return Err(TabularError::Empty { file: file.into() });
    };
    let first_col = cells.iter().map(|((_, c), _)| *c).min().unwrap_or(0);
    let last_col = cells.iter().map(|((_, c), _)| *c).max().unwrap_or(0);
    let width = (last_col - first_col + 1) as usize;
    let mut by_row: Vec<(u32, Vec<String>)> = Vec::new();
    for ((row, col), text) in cells {
        if by_row.last().is_none_or(|(r, _)| *r != row) {
            by_row.push((row, vec![String::new(); width]));
        }
        if let Some((_, line)) = by_row.last_mut() {
            line[(col - first_col) as usize] = text;
        }
    }
    let mut rows_iter = by_row.into_iter();
    let header: Vec<String> = match rows_iter.next() {
        Some((row, cells)) if row == first_row => cells,
        _ => return Err(TabularError::Empty { file: file.into() }),
    };
    let mut rows: Vec<Row> = rows_iter
        .map(|(row, cells)| Row {
            number: row as usize + 1,
            cells,
        })
        .collect();
    // Trailing columns with an empty header but values stay (the rules report them); columns
    // entirely empty in the header and every row cannot exist here.
    for r in &mut rows {
        r.cells
            .resize(header.len().max(r.cells.len()), String::new());
    }
    Ok(Table {
        file: file.into(),
        header,
        rows,
        spreadsheet: true,
    })
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

/// How a column of a sheet for people is formatted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnFormat {
    /// Text as written.
    Text,
    /// Whole numbers with a thousands separator.
    Integer,
    /// Two decimals with a thousands separator.
    Decimal2,
    /// `YYYY-MM-DD` text written as a real date cell (Excel sorts and filters it as a date).
    Date,
}

/// A column of a sheet for people.
#[derive(Clone, Copy, Debug)]
pub struct XlsxColumn<'a> {
    /// Header text.
    pub header: &'a str,
    /// Width in characters (CJK characters count about two).
    pub width: f64,
    /// Cell format.
    pub format: ColumnFormat,
}

/// One sheet of a workbook written by [`write_xlsx_book`].
#[derive(Clone, Debug)]
pub struct XlsxSheet<'a> {
    /// Sheet name (at most 31 characters, no `[]:*?/\`).
    pub name: &'a str,
    /// Columns.
    pub columns: Vec<XlsxColumn<'a>>,
    /// Rows under the header.
    pub rows: Vec<Vec<Cell>>,
    /// Adds an autofilter on the header and freezes it.
    pub filter: bool,
}

/// Writes a workbook for people: several sheets, each with a bold header, set column widths and
/// per-column number and date formats. The machine format stays [`write_xlsx`].
pub fn write_xlsx_book(sheets: &[XlsxSheet]) -> Result<Vec<u8>, TabularError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| TabularError::Write {
        what: "XLSX".into(),
        message: e.to_string(),
    };
    let mut book = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(rust_xlsxwriter::Color::RGB(0xE8EEF7))
        .set_align(FormatAlign::Center);
    let integer = Format::new().set_num_format("#,##0");
    let decimal = Format::new().set_num_format("#,##0.00");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let wrap = Format::new().set_text_wrap();
    for sheet in sheets {
        let ws = book.add_worksheet();
        ws.set_name(sheet.name).map_err(err)?;
        for (c, col) in sheet.columns.iter().enumerate() {
            let c = c as u16;
            ws.write_string_with_format(0, c, col.header, &header)
                .map_err(err)?;
            ws.set_column_width(c, col.width.clamp(4.0, 120.0))
                .map_err(err)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = (r + 1) as u32;
            for (c, cell) in row.iter().enumerate() {
                let format = sheet
                    .columns
                    .get(c)
                    .map_or(ColumnFormat::Text, |k| k.format);
                let c = c as u16;
                match (cell, format) {
                    (Cell::Empty, _) => {}
                    (Cell::Number(x), ColumnFormat::Integer) => {
                        ws.write_number_with_format(r, c, *x, &integer)
                            .map_err(err)?;
                    }
                    (Cell::Number(x), ColumnFormat::Decimal2) => {
                        ws.write_number_with_format(r, c, *x, &decimal)
                            .map_err(err)?;
                    }
                    (Cell::Number(x), _) => {
                        ws.write_number(r, c, *x).map_err(err)?;
                    }
                    (Cell::Text(s), ColumnFormat::Date) => {
                        match ExcelDateTime::parse_from_str(s) {
                            Ok(d) => ws.write_datetime_with_format(r, c, &d, &date),
                            // Not a date after all: shown as written rather than lost.
                            Err(_) => ws.write_string(r, c, s),
                        }
                        .map_err(err)?;
                    }
                    (Cell::Text(s), _) if s.contains('\n') => {
                        ws.write_string_with_format(r, c, s, &wrap).map_err(err)?;
                    }
                    (Cell::Text(s), _) => {
                        ws.write_string(r, c, s).map_err(err)?;
                    }
                }
            }
        }
        if sheet.filter && !sheet.columns.is_empty() {
            let last_row = sheet.rows.len() as u32;
            ws.autofilter(0, 0, last_row, (sheet.columns.len() - 1) as u16)
                .map_err(err)?;
            ws.set_freeze_panes(1, 0).map_err(err)?;
        }
    }
    book.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workbook whose sheet holds two cells, A1 and XFD1048576: a 1.5 KB file that a reader
    /// allocating the sheet's used range would turn into 17 billion cells.
    fn corner_cells_workbook() -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "name").unwrap();
        ws.write_string(1_048_575, 16_383, "x").unwrap();
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn a_small_workbook_with_a_far_corner_cell_is_refused_without_allocating_the_sheet() {
        let bytes = corner_cells_workbook();
        assert!(bytes.len() < 10_000, "{} bytes", bytes.len());
        match read_spreadsheet("bomb.xlsx", &bytes, None) {
            Err(TabularError::TooLarge { file, message }) => {
                assert_eq!(file, "bomb.xlsx");
                assert!(message.contains("XFD1048576"), "{message}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn an_archive_declaring_too_much_is_refused_before_inflating() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "x".repeat(5_000)).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let tiny = Limits {
            max_uncompressed_bytes: 1_000,
            ..Limits::UPLOAD
        };
        assert!(matches!(
            read_spreadsheet_with("big.xlsx", &bytes, None, &tiny),
            Err(TabularError::TooLarge { .. })
        ));
        let few = Limits {
            max_archive_entries: 3,
            ..Limits::UPLOAD
        };
        assert!(matches!(
            read_spreadsheet_with("many.xlsx", &bytes, None, &few),
            Err(TabularError::TooLarge { .. })
        ));
    }

    /// A workbook whose sheet XML is `rows` (the `<row>` elements), built by rewriting a
    /// rust_xlsxwriter workbook's sheet: Excel writes rows in order, other programs need not.
    fn workbook_with_sheet_rows(rows: &str) -> Vec<u8> {
        use std::io::{Read, Write};
        let mut book = rust_xlsxwriter::Workbook::new();
        book.add_worksheet().write_string(0, 0, "x").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let mut input = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..input.len() {
            let mut entry = input.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).unwrap();
            if name == "xl/worksheets/sheet1.xml" {
                let text = String::from_utf8(content).unwrap();
                let start = text.find("<sheetData>").unwrap() + "<sheetData>".len();
                let end = text.find("</sheetData>").unwrap();
                content = format!("{}{rows}{}", &text[..start], &text[end..]).into_bytes();
            }
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(&content).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn cells_out_of_order_or_written_twice_read_as_excel_shows_them() {
        let inline = |at: &str, text: &str| {
            format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
        };
        let rows = format!(
            r#"<row r="3">{}{}</row><row r="1">{}{}</row><row r="2">{}</row><row r="3">{}</row>"#,
            inline("B3", "b3"),
            inline("A3", "old"),
            inline("A1", "name"),
            inline("B1", "value"),
            inline("A2", "a2"),
            inline("A3", "a3"),
        );
        let t = read_spreadsheet("shuffled.xlsx", &workbook_with_sheet_rows(&rows), None).unwrap();
        assert_eq!(t.header, vec!["name", "value"]);
        let read: Vec<(usize, Vec<String>)> =
            t.rows.iter().map(|r| (r.number, r.cells.clone())).collect();
        assert_eq!(
            read,
            vec![
                (2, vec!["a2".to_string(), String::new()]),
                (3, vec!["a3".to_string(), "b3".into()]),
            ]
        );
    }

    #[test]
    fn used_ranges_not_starting_at_a1_keep_excel_row_numbers() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(2, 1, "name").unwrap();
        ws.write_string(2, 2, "batch").unwrap();
        ws.write_string(4, 1, "甲").unwrap();
        ws.write_number(4, 2, 3.0).unwrap();
        let t = read_spreadsheet("offset.xlsx", &book.save_to_buffer().unwrap(), None).unwrap();
        assert_eq!(t.header, vec!["name", "batch"]);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(
            (t.rows[0].number, t.rows[0].cells.clone()),
            (5, vec!["甲".to_string(), "3".into()])
        );
    }
}
