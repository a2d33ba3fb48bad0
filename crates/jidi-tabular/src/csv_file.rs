//! CSV in and out: UTF-8 (a leading byte-order mark is dropped) or GB18030 in; UTF-8 with a
//! byte-order mark out, cells that a spreadsheet would run as formulas neutralised.

use crate::Limits;
use crate::table::{Cell, Row, Table, TabularError};

/// Decodes CSV bytes: UTF-8 (a leading BOM is dropped), else GB18030.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

/// Reads a CSV file within [`Limits::UPLOAD`].
pub fn read_csv(file: &str, bytes: &[u8]) -> Result<Table, TabularError> {
    read_csv_with(file, bytes, &Limits::UPLOAD)
}

/// Reads a CSV file within `limits`.
pub fn read_csv_with(file: &str, bytes: &[u8], limits: &Limits) -> Result<Table, TabularError> {
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
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let check = |row: usize, cells: &csv::StringRecord| -> Result<(), TabularError> {
        if cells.len() > limits.max_columns {
            return Err(too_large(format!(
                "row {row} has {} columns; at most {} are read",
                cells.len(),
                limits.max_columns
            )));
        }
        if let Some((k, _)) = cells
            .iter()
            .enumerate()
            .find(|(_, c)| c.chars().count() > limits.max_cell_chars)
        {
            return Err(too_large(format!(
                "row {row}, column {}: a cell of more than {} characters",
                k + 1,
                limits.max_cell_chars
            )));
        }
        Ok(())
    };
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
        Some(Ok(r)) => {
            check(1, &r)?;
            r.iter().map(|c| c.trim().to_string()).collect()
        }
    };
    let mut rows = Vec::new();
    let mut n_cells = header.len();
    let mut rows_of = RowCounter::new(text.as_bytes());
    for record in records {
        let record = record.map_err(|e| TabularError::Csv {
            file: file.into(),
            row: e
                .position()
                .map_or(0, |p| rows_of.row_at(p.byte() as usize)),
            message: e.to_string(),
        })?;
        let number = record
            .position()
            .map_or(rows.len() + 2, |p| rows_of.row_at(p.byte() as usize));
        check(number, &record)?;
        let mut cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        n_cells += cells.len();
        if rows.len() >= limits.max_rows || n_cells > limits.max_cells {
            return Err(too_large(format!(
                "more than {} rows or {} cells; split the file",
                limits.max_rows, limits.max_cells
            )));
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

/// The text a CSV cell is written as. A text cell beginning with `=`, `+`, `-`, `@`, a tab or a
/// carriage return would be run as a formula by Excel and WPS when the file is opened (CSV
/// injection); it is prefixed with an apostrophe, which the spreadsheet shows as text. Numbers are
/// written as numbers, negative ones included.
fn csv_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(s) if s.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{s}"),
        other => other.text(),
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
            w.write_record(r.iter().map(csv_text)).map_err(write_err)?;
        }
        w.flush().map_err(|e| TabularError::Write {
            what: "CSV".into(),
            message: e.to_string(),
        })?;
    }
    Ok(out)
}

/// Row numbers as a spreadsheet shows them (the header is row 1, a blank line is a row, a quoted
/// cell spanning lines is one row), from a record's byte offset. The reader's own line numbers
/// are not that: with CRLF line ends (what Excel writes) a record's line is reported one early,
/// and they count the lines inside quoted cells. Offsets must come in increasing order; the scan
/// is done once over the text.
struct RowCounter<'a> {
    bytes: &'a [u8],
    position: usize,
    breaks: usize,
    in_quotes: bool,
}

impl<'a> RowCounter<'a> {
    fn new(bytes: &'a [u8]) -> RowCounter<'a> {
        RowCounter {
            bytes,
            position: 0,
            breaks: 0,
            in_quotes: false,
        }
    }

    fn row_at(&mut self, offset: usize) -> usize {
        // A record's offset may point at the end of the previous line's terminator.
        let mut start = offset.min(self.bytes.len());
        while start < self.bytes.len() && matches!(self.bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        while self.position < start {
            let b = self.bytes[self.position];
            if self.in_quotes {
                if b == b'"' {
                    if self.bytes.get(self.position + 1) == Some(&b'"') {
                        self.position += 1;
                    } else {
                        self.in_quotes = false;
                    }
                }
            } else if b == b'"' {
                let field_start = self.position == 0
                    || matches!(self.bytes[self.position - 1], b',' | b'\n' | b'\r');
                self.in_quotes = field_start;
            } else if b == b'\n' {
                self.breaks += 1;
            }
            self.position += 1;
        }
        self.breaks + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_written_as_text() {
        let bytes = write_csv(
            &["a", "b"],
            &[
                vec![Cell::Text("=1+1".into()), Cell::Number(-5.0)],
                vec![Cell::Text("@SUM(A1)".into()), Cell::Text("-2+3".into())],
            ],
        )
        .unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("'=1+1,-5"), "{text}");
        assert!(text.contains("'@SUM(A1),'-2+3"), "{text}");
    }

    #[test]
    fn oversized_csv_is_refused_by_rule() {
        let small = Limits {
            max_rows: 2,
            max_columns: 3,
            max_cell_chars: 5,
            ..Limits::UPLOAD
        };
        let wide = "a,b,c,d\n1,2,3,4\n";
        assert!(matches!(
            read_csv_with("w.csv", wide.as_bytes(), &small),
            Err(TabularError::TooLarge { .. })
        ));
        let long = "a\nabcdef\n";
        assert!(matches!(
            read_csv_with("l.csv", long.as_bytes(), &small),
            Err(TabularError::TooLarge { .. })
        ));
        let many = "a\n1\n2\n3\n";
        assert!(matches!(
            read_csv_with("m.csv", many.as_bytes(), &small),
            Err(TabularError::TooLarge { .. })
        ));
        assert!(read_csv_with("ok.csv", "a\n1\n2\n".as_bytes(), &small).is_ok());
    }
}
