//! What a file may hold before jidi refuses to read it. A spreadsheet is a ZIP archive of XML that
//! can declare a million rows in a few bytes; reading it naively allocates the declared sheet. The
//! limits are checked before reading (file size, the archive's declared sizes) and while reading
//! (rows, columns, cells, cell length), so that memory stays proportional to the limits.

/// Bounds of a table file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of the file itself.
    pub max_file_bytes: usize,
    /// Bytes of all XML in a workbook, uncompressed, as its archive declares them (the ZIP reader
    /// enforces the declared sizes while inflating).
    pub max_uncompressed_bytes: u64,
    /// Entries in a workbook's archive.
    pub max_archive_entries: usize,
    /// Data rows.
    pub max_rows: usize,
    /// Columns.
    pub max_columns: usize,
    /// Non-empty cells.
    pub max_cells: usize,
    /// Characters in one cell.
    pub max_cell_chars: usize,
}

impl Limits {
    /// Uploads and files on the command line: 50 MB, a million rows, 256 columns, two million
    /// non-empty cells, 10,000 characters per cell. A province's year of monthly data in long form
    /// is about 100,000 rows of six columns.
    pub const UPLOAD: Limits = Limits {
        max_file_bytes: 50 * 1024 * 1024,
        max_uncompressed_bytes: 400 * 1024 * 1024,
        max_archive_entries: 2_000,
        max_rows: 1_048_576,
        max_columns: 256,
        max_cells: 2_000_000,
        max_cell_chars: 10_000,
    };
}
