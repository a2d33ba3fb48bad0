//! Tables in and out of CSV and XLSX files, keeping every cell's position so that validation errors
//! can name the file, row and column.
//!
//! Reading: CSV in UTF-8 (with or without a byte-order mark) or in GB18030, the encoding Excel uses
//! when a Chinese-locale user saves "CSV (逗号分隔)"; XLSX through calamine (the first sheet, or the
//! named one). Writing: CSV in UTF-8 with a byte-order mark, so that Excel on Chinese Windows opens
//! it without mojibake, and XLSX through rust_xlsxwriter with a bold frozen header.
#![deny(missing_docs)]

mod csv_file;
mod limits;
mod table;
mod xlsx_file;

pub use csv_file::{read_csv, read_csv_with, write_csv};
pub use limits::Limits;
pub use table::{Cell, Row, Table, TabularError, column_letter, format_number};
pub use xlsx_file::{
    ColumnFormat, XlsxColumn, XlsxSheet, read_spreadsheet, read_spreadsheet_with, write_xlsx,
    write_xlsx_book,
};

/// Reads a CSV or XLSX file, by its content (XLSX files are ZIP archives) and then its name,
/// within [`Limits::UPLOAD`].
pub fn read(file: &str, bytes: &[u8]) -> Result<Table, TabularError> {
    read_with(file, bytes, &Limits::UPLOAD)
}

/// Reads a CSV or XLSX file within `limits`.
pub fn read_with(file: &str, bytes: &[u8], limits: &Limits) -> Result<Table, TabularError> {
    let lower = file.to_ascii_lowercase();
    if bytes.starts_with(b"PK\x03\x04") || lower.ends_with(".xlsx") {
        read_spreadsheet_with(file, bytes, None, limits)
    } else if lower.ends_with(".xls")
        || lower.ends_with(".ods")
        || bytes.starts_with(b"\xD0\xCF\x11\xE0")
    {
        Err(TabularError::Spreadsheet {
            file: file.into(),
            message:
                "only .xlsx workbooks are read (save an .xls or .ods file as .xlsx, or as CSV)"
                    .into(),
        })
    } else {
        read_csv_with(file, bytes, limits)
    }
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

    /// Excel writes CSV with CRLF line ends; row numbers must still be the rows Excel shows, also
    /// after a quoted cell that spans two lines.
    #[test]
    fn csv_rows_are_numbered_as_excel_shows_them_with_crlf_and_multi_line_cells() {
        let text = "a,b\r\n1,x\r\n2,\"two\r\nlines\"\r\n\r\n3,y\r\n";
        let t = read("values.csv", text.as_bytes()).unwrap();
        let numbers: Vec<usize> = t.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, vec![2, 3, 5]);
        let lf = read("values.csv", text.replace("\r\n", "\n").as_bytes()).unwrap();
        assert_eq!(
            lf.rows.iter().map(|r| r.number).collect::<Vec<_>>(),
            vec![2, 3, 5]
        );
    }
}
