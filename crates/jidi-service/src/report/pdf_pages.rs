//! On which page each named destination of a PDF lands: the narrow reading of a PDF that numbering
//! the printed contents needs.
//!
//! Chromium has no `target-counter()`, so the printed contents cannot number themselves. But when
//! it prints a page whose contents link to `#anchor`, Chromium (Skia) writes every link target as
//! a named destination, `/Dests << /anchor [12 0 R /XYZ x y 0] … >>` in the catalogue, pointing at
//! the page object the heading landed on. Reading that dictionary and the page tree's order gives
//! each heading's page; the report is then printed a second time with the numbers filled in
//! (their slots have a fixed width, so the layout does not move).
//!
//! This reads only what Skia writes: a classic cross-reference table, plain (not compressed)
//! dictionaries for the catalogue, the page tree and the destinations. Anything else is refused
//! with a message, never a panic: the bytes come from a child process and are treated as hostile
//! (every offset is checked, nesting and the page tree's depth are bounded).

use std::collections::{BTreeMap, HashMap, HashSet};

/// Deepest nesting of arrays and dictionaries, and of the page tree, that is read.
const MAX_DEPTH: usize = 32;
/// Most pages read (a report has about fifty).
const MAX_PAGES: usize = 100_000;

#[derive(Clone, Debug, PartialEq)]
enum Value {
    Dict(Vec<(String, Value)>),
    Array(Vec<Value>),
    Name(String),
    Ref(u32),
    Other,
}

impl Value {
    fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Dict(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Named destination → page number (1-based), for every destination of `pdf` that points at a
/// page of its page tree.
pub fn destination_pages(pdf: &[u8]) -> Result<BTreeMap<String, u32>, String> {
    let reader = Reader::new(pdf)?;
    let root = reader
        .trailer
        .get("Root")
        .ok_or("the trailer has no /Root")?;
    let catalog = reader.resolve(root)?;
    let pages_root = catalog.get("Pages").ok_or("the catalogue has no /Pages")?;
    let mut order: HashMap<u32, u32> = HashMap::new();
    let mut seen = HashSet::new();
    reader.walk_pages(pages_root, 0, &mut order, &mut seen)?;
    let dests = catalog
        .get("Dests")
        .ok_or("the catalogue has no /Dests (no named destinations)")?;
    let Value::Dict(entries) = reader.resolve(dests)? else {
        return Err("/Dests is not a dictionary".into());
    };
    let mut out = BTreeMap::new();
    for (name, dest) in entries {
        let dest = reader.resolve(&dest)?;
        let target = match &dest {
            Value::Array(items) => items.first(),
            // `<< /D [page …] >>` is the other form a destination may take.
            Value::Dict(_) => match dest.get("D") {
                Some(Value::Array(items)) => items.first(),
                _ => None,
            },
            _ => None,
        };
        if let Some(Value::Ref(page)) = target
            && let Some(n) = order.get(page)
        {
            out.insert(name, *n);
        }
    }
    Ok(out)
}

struct Reader<'a> {
    bytes: &'a [u8],
    offsets: HashMap<u32, usize>,
    trailer: Value,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Result<Reader<'a>, String> {
        if !bytes.starts_with(b"%PDF-") {
            return Err("not a PDF (no %PDF- header)".into());
        }
        let at = rfind(bytes, b"startxref").ok_or("no startxref")?;
        let mut p = Parser::at(bytes, at + b"startxref".len());
        let xref = p.integer().ok_or("startxref has no offset")?;
        let mut p = Parser::at(bytes, xref);
        if !p.keyword(b"xref") {
            return Err("the cross-reference is not a classic table (a stream?)".into());
        }
        let mut offsets = HashMap::new();
        loop {
            p.skip_space();
            if p.keyword(b"trailer") {
                break;
            }
            let first = p.integer().ok_or("bad cross-reference subsection")?;
            let count = p.integer().ok_or("bad cross-reference subsection")?;
            p.skip_space();
            for k in 0..count {
                // Entries are 20 bytes: `oooooooooo ggggg n` and a two-byte end of line.
                let entry = bytes.get(p.pos..p.pos + 20).ok_or("cut cross-reference")?;
                let offset = std::str::from_utf8(&entry[..10])
                    .ok()
                    .and_then(|s| s.parse::<usize>().ok())
                    .ok_or("bad cross-reference entry")?;
                if entry[17] == b'n' {
                    let num = first
                        .checked_add(k)
                        .and_then(|n| u32::try_from(n).ok())
                        .ok_or("object number too large")?;
                    offsets.insert(num, offset);
                }
                p.pos += 20;
            }
        }
        let trailer = p.value(0).ok_or("unreadable trailer")?;
        Ok(Reader {
            bytes,
            offsets,
            trailer,
        })
    }

    fn object(&self, num: u32) -> Result<Value, String> {
        let at = *self
            .offsets
            .get(&num)
            .ok_or_else(|| format!("object {num} is not in the cross-reference"))?;
        let mut p = Parser::at(self.bytes, at);
        let n = p.integer();
        let _generation = p.integer();
        if n != Some(num as usize) || !p.keyword(b"obj") {
            return Err(format!("object {num} is not at its offset"));
        }
        p.value(0)
            .ok_or_else(|| format!("object {num} is unreadable"))
    }

    fn resolve(&self, v: &Value) -> Result<Value, String> {
        match v {
            Value::Ref(n) => self.object(*n),
            other => Ok(other.clone()),
        }
    }

    /// Numbers the leaves of the page tree in order.
    fn walk_pages(
        &self,
        node: &Value,
        depth: usize,
        order: &mut HashMap<u32, u32>,
        seen: &mut HashSet<u32>,
    ) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("the page tree is too deep".into());
        }
        let Value::Ref(num) = node else {
            return Err("a page tree node is not a reference".into());
        };
        if !seen.insert(*num) || order.len() >= MAX_PAGES {
            return Err("the page tree loops or is too large".into());
        }
        let dict = self.object(*num)?;
        match dict.get("Kids") {
            Some(Value::Array(kids)) => {
                for kid in kids {
                    self.walk_pages(kid, depth + 1, order, seen)?;
                }
            }
            _ => {
                let n = order.len() as u32 + 1;
                order.insert(*num, n);
            }
        }
        Ok(())
    }
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

struct Parser<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    /// A parser at `pos`, or at the end when `pos` lies beyond it (an offset read from the file
    /// may point anywhere; every read below then finds nothing instead of slicing out of range).
    fn at(b: &'a [u8], pos: usize) -> Parser<'a> {
        Parser {
            b,
            pos: pos.min(b.len()),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while let Some(c) = self.peek() {
            if c == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else if c.is_ascii_whitespace() || c == 0 {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn keyword(&mut self, word: &[u8]) -> bool {
        self.skip_space();
        if self.b.get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    fn integer(&mut self) -> Option<usize> {
        self.skip_space();
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        std::str::from_utf8(&self.b[start..self.pos])
            .ok()?
            .parse()
            .ok()
    }

    fn name(&mut self) -> String {
        // After the slash: regular characters, with `#xx` escapes.
        let mut out = Vec::new();
        while let Some(c) = self.peek() {
            if c.is_ascii_whitespace() || b"/[]<>(){}%".contains(&c) {
                break;
            }
            if c == b'#'
                && let Some(h) = self.b.get(self.pos + 1..self.pos + 3)
                && let Some(byte) = std::str::from_utf8(h)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(byte);
                self.pos += 3;
                continue;
            }
            out.push(c);
            self.pos += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_space();
        match self.peek()? {
            b'<' if self.b.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                let mut entries = Vec::new();
                loop {
                    self.skip_space();
                    match self.peek()? {
                        b'>' => {
                            self.pos += 2;
                            return Some(Value::Dict(entries));
                        }
                        b'/' => {
                            self.pos += 1;
                            let key = self.name();
                            let v = self.value(depth + 1)?;
                            entries.push((key, v));
                        }
                        _ => return None,
                    }
                }
            }
            b'<' => {
                let end = self.b[self.pos..].iter().position(|c| *c == b'>')?;
                self.pos += end + 1;
                Some(Value::Other)
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    if self.peek()? == b']' {
                        self.pos += 1;
                        return Some(Value::Array(items));
                    }
                    items.push(self.value(depth + 1)?);
                }
            }
            b'/' => {
                self.pos += 1;
                Some(Value::Name(self.name()))
            }
            b'(' => {
                // A literal string: balanced parentheses, backslash escapes.
                let mut level = 0usize;
                while let Some(c) = self.peek() {
                    self.pos += 1;
                    match c {
                        b'\\' => self.pos += 1,
                        b'(' => level += 1,
                        b')' => {
                            level -= 1;
                            if level == 0 {
                                return Some(Value::Other);
                            }
                        }
                        _ => {}
                    }
                }
                None
            }
            c if c.is_ascii_digit() || c == b'-' || c == b'+' || c == b'.' => {
                let start = self.pos;
                self.pos += 1;
                while self.peek().is_some_and(|c| c.is_ascii_digit() || c == b'.') {
                    self.pos += 1;
                }
                let text = &self.b[start..self.pos];
                // `N G R` is a reference.
                if text.iter().all(u8::is_ascii_digit) {
                    let save = self.pos;
                    if self.integer().is_some() && self.keyword(b"R") {
                        let n = std::str::from_utf8(text).ok()?.parse().ok()?;
                        return Some(Value::Ref(n));
                    }
                    self.pos = save;
                }
                Some(Value::Other)
            }
            c if c.is_ascii_alphabetic() => {
                while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                    self.pos += 1;
                }
                Some(Value::Other)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PDF of `objects` (numbered from 1) with a correct cross-reference table.
    fn pdf(objects: &[&str], root: u32) -> Vec<u8> {
        let mut out = b"%PDF-1.4\n%\xe2\xe3\n".to_vec();
        let mut offsets = Vec::new();
        for (k, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend(format!("{} 0 obj\n{body}\nendobj\n", k + 1).bytes());
        }
        let xref = out.len();
        out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
        for o in offsets {
            out.extend(format!("{o:010} 00000 n \n").bytes());
        }
        out.extend(
            format!(
                "trailer\n<</Size {} /Root {root} 0 R>>\nstartxref\n{xref}\n%%EOF",
                objects.len() + 1
            )
            .bytes(),
        );
        out
    }

    #[test]
    fn destinations_are_numbered_by_the_page_tree() {
        // A nested page tree (as Skia writes for long documents): pages 4, 5 | 6, 7.
        let bytes = pdf(
            &[
                "<</Type /Catalog /Pages 2 0 R /Dests 8 0 R>>",
                "<</Type /Pages /Count 4 /Kids [3 0 R 9 0 R]>>",
                "<</Type /Pages /Count 2 /Kids [4 0 R 5 0 R]>>",
                "<</Type /Page /Parent 3 0 R /Contents (a \\) b (c))>>",
                "<</Type /Page /Parent 3 0 R>>",
                "<</Type /Page /Parent 9 0 R>>",
                "<</Type /Page /Parent 9 0 R /Annots [<</A <</S /URI /URI (x)>> >>]>>",
                "<</overview [5 0 R /XYZ 6 777.75 0]\n/roll-overall [7 0 R /XYZ 6 700 0] /caf#C3#A9 [6 0 R /Fit] /gone [99 0 R /Fit]>>",
                "<</Type /Pages /Count 2 /Kids [6 0 R 7 0 R]>>",
            ],
            1,
        );
        let got = destination_pages(&bytes).unwrap();
        let want: BTreeMap<String, u32> = [("overview", 2), ("roll-overall", 4), ("café", 3)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn hostile_input_is_refused_without_a_panic() {
        for bad in [
            b"".to_vec(),
            b"%PDF-1.4 startxref 999999".to_vec(),
            b"%PDF-1.4 startxref 99999999999999999999".to_vec(),
            b"%PDF-1.4\nxref\n0 1\n0000999999 00000 n \ntrailer\n<</Root 0 0 R>>\nstartxref\n9".to_vec(),
            b"%PDF-1.4\nxref\n18446744073709551615 2\n0000000000 00000 n \n0000000000 00000 n \ntrailer\n<<>>\nstartxref\n9".to_vec(),
            b"%PDF-1.4\nxref\n0 1\nstartxref\n9".to_vec(),
            pdf(
                &["<</Pages 2 0 R /Dests 3 0 R>>", "<</Kids [2 0 R]>>", "<<>>"],
                1,
            ),
            pdf(
                &["<</Pages 2 0 R>>", "<</Kids [3 0 R]>>", "<</Type /Page>>"],
                1,
            ),
            pdf(&["[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["], 1),
        ] {
            assert!(destination_pages(&bad).is_err());
        }
        // Every cut of a good file is refused or read, never a panic.
        let good = pdf(
            &[
                "<</Pages 2 0 R /Dests <</a [3 0 R]>> >>",
                "<</Kids [3 0 R]>>",
                "<<>>",
            ],
            1,
        );
        assert_eq!(destination_pages(&good).unwrap().get("a"), Some(&1));
        for cut in 0..good.len() {
            let _ = destination_pages(&good[..cut]);
        }
    }
}
