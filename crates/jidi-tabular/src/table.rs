//! The table read from a file, the cells written to one, and what can go wrong.

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
    /// The file exceeds what jidi reads: too large, too many rows, columns or cells, or a cell too
    /// long. Checked before and while reading, so that a small hostile file cannot exhaust memory.
    #[error("{file}: {message}")]
    TooLarge {
        /// File name.
        file: String,
        /// What exceeds which limit.
        message: String,
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
    pub(crate) fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(x) => format!("{x}"),
            Cell::Empty => String::new(),
        }
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
