//! The PDF printed by the system's Chromium has numbered contents, and each number is the page
//! its heading is printed on (read back from the PDF's text with poppler's `pdftotext`).

use std::process::Command;

use jidi_report::{Lang, fixture};
use jidi_service::report::{find_chromium, print_report_pdf};

/// The text of each page of `pdf` (pdftotext separates pages with a form feed).
fn pages_text(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian package poppler-utils)");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .split('\u{c}')
        .map(str::to_string)
        .collect()
}

#[test]
#[ignore = "needs chromium, fonts-noto-cjk and poppler-utils (Debian packages); CI runs --include-ignored"]
fn printed_contents_carry_the_page_of_each_heading() {
    let chromium = find_chromium().unwrap();
    let report = fixture::full();
    for (lang, contents, sections) in [
        (
            Lang::Zh,
            "目录",
            ["一、概述", "二、基地体系与分布", "三、发展质量评价"],
        ),
        (
            Lang::En,
            "Contents",
            [
                "1 Overview",
                "2 The roll of bases",
                "3 Development-quality evaluation",
            ],
        ),
    ] {
        let pdf = print_report_pdf(&report, lang, &chromium).unwrap();
        let pages = pages_text(&pdf);
        let toc = pages
            .iter()
            .position(|p| p.contains(contents))
            .unwrap_or_else(|| panic!("{lang:?}: no contents page"));
        let mut checked = 0;
        for heading in sections {
            // The contents line: the heading, then its page number at the end of the line.
            let line = pages[toc]
                .lines()
                .find(|l| l.trim_start().starts_with(heading))
                .unwrap_or_else(|| panic!("{lang:?}: {heading} is not in the contents"));
            let number: usize = line
                .split_whitespace()
                .last()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{lang:?}: no page number in {line:?}"));
            // The heading is printed on that page (not only in the contents), and on no page
            // before it but the contents.
            let page = &pages[number - 1];
            assert!(
                page.lines().any(|l| l.trim() == heading),
                "{lang:?}: {heading} is not on page {number}:\n{page}"
            );
            let earlier = pages[toc + 1..number - 1]
                .iter()
                .any(|p| p.lines().any(|l| l.trim() == heading));
            assert!(
                !earlier,
                "{lang:?}: {heading} is printed before page {number}"
            );
            checked += 1;
        }
        assert_eq!(checked, 3);
    }
}
