//! The document as DOCX (Office Open XML, ISO/IEC 29500 transitional), written by hand.
//!
//! Why by hand and not with a DOCX crate: what the report needs is a small, fixed subset of
//! WordprocessingML (paragraphs with built-in style ids, tables, a TOC field, one header and one
//! footer, bookmarks) plus native DrawingML charts. docx-rs (0.4), the most used DOCX writer,
//! offers paragraphs, tables and pictures but, as far as its documentation shows, no chart parts,
//! so the charts would be hand-written XML anyway, and it brings its own XML and zip versions;
//! the `zip` crate is already in the tree through calamine and rust_xlsxwriter. Writing the parts as
//! strings also makes the bytes easy to keep deterministic: no random ids, no clock, sorted and
//! fixed part order, every zip entry dated 1980-01-01 00:00:00.
//!
//! What Word, WPS and LibreOffice get:
//! - styles `Title`, `Heading1`–`Heading3` (built-in names `heading 1`…, so the office can restyle
//!   them and build its TOC from them), `BodyText`, `Caption`, `TOC1`–`TOC3`, `Header`, `Footer`;
//! - a `TOC \o "1-3" \h \z \u` field, pre-filled with the headings (so it reads well even before
//!   it is updated) and marked dirty, with `w:updateFields` in the settings so Word refreshes it on
//!   opening;
//! - one section with a default header (title, year, edition) and footer (`PAGE` field), i.e. on
//!   every page;
//! - tables with one number format, right-aligned numbers and a repeated header row;
//! - native charts (`word/charts/chartN.xml`, bar, stacked bar and line) with cached values, so
//!   they need no font or rasteriser here and stay editable in the office. There is no embedded
//!   workbook: the charts show and restyle, but "edit data" in Word has nothing to open.

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use crate::chart::{Chart, ChartKind, Series, esc};
use crate::ir::{Block, Doc, Inline, Table};
use crate::wording::Lang;

const NS_W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const NS_WP: &str = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
const NS_A: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const NS_C: &str = "http://schemas.openxmlformats.org/drawingml/2006/chart";
const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// Text width of an A4 page with the margins below, in twentieths of a point.
const TEXT_WIDTH_TWIPS: u32 = 11906 - 2 * 1417;
const EMU_PER_TWIP: u64 = 635;
const EMU_PER_CM: f64 = 360_000.0;

pub(crate) fn render(doc: &Doc, lang: Lang) -> Vec<u8> {
    let mut charts: Vec<String> = Vec::new();
    let document = document_xml(doc, lang, &mut charts);
    let mut parts: Vec<(String, String)> = vec![
        ("[Content_Types].xml".into(), content_types(charts.len())),
        ("_rels/.rels".into(), root_rels()),
        ("docProps/app.xml".into(), app_xml()),
        ("docProps/core.xml".into(), core_xml(doc, lang)),
        ("word/document.xml".into(), document),
        (
            "word/_rels/document.xml.rels".into(),
            document_rels(charts.len()),
        ),
        ("word/styles.xml".into(), styles_xml(lang)),
        ("word/settings.xml".into(), settings_xml(lang)),
        ("word/numbering.xml".into(), numbering_xml()),
        ("word/header1.xml".into(), header_xml(doc)),
        ("word/footer1.xml".into(), footer_xml()),
    ];
    for (k, chart) in charts.into_iter().enumerate() {
        parts.push((format!("word/charts/chart{}.xml", k + 1), chart));
    }
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(512 * 1024)));
    // Fixed date (the zip epoch) and permissions: the same document gives the same bytes.
    let options = SimpleFileOptions::DEFAULT
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::DEFAULT)
        .unix_permissions(0o644);
    for (name, content) in &parts {
        zip.start_file(name.as_str(), options)
            .expect("writing to memory cannot fail");
        zip.write_all(content.as_bytes())
            .expect("writing to memory cannot fail");
    }
    zip.finish()
        .expect("writing to memory cannot fail")
        .into_inner()
}

fn content_types(n_charts: usize) -> String {
    let mut out = String::from(XML_DECL);
    out.push_str(r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>"#);
    for k in 1..=n_charts {
        let _ = write!(
            out,
            r#"<Override PartName="/word/charts/chart{k}.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>"#
        );
    }
    out.push_str("</Types>");
    out
}

fn root_rels() -> String {
    format!(
        r#"{XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#
    )
}

fn document_rels(n_charts: usize) -> String {
    let mut out = format!(
        r#"{XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>"#
    );
    for k in 1..=n_charts {
        let _ = write!(
            out,
            r#"<Relationship Id="rIdChart{k}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart" Target="charts/chart{k}.xml"/>"#
        );
    }
    out.push_str("</Relationships>");
    out
}

fn app_xml() -> String {
    format!(
        r#"{XML_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>jidi-report</Application></Properties>"#
    )
}

/// Title, issuer and language only: no creation time (the report carries its date on the cover,
/// and a time of day would make two renderings differ).
fn core_xml(doc: &Doc, lang: Lang) -> String {
    let issuer: String = doc
        .cover
        .issuer
        .iter()
        .map(|i| match i {
            Inline::Text(t) | Inline::Foreign(t) | Inline::Fig(_, t) => t.as_str(),
        })
        .collect();
    format!(
        r#"{XML_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:creator>{}</dc:creator><dc:language>{}</dc:language></cp:coreProperties>"#,
        esc(&doc.title),
        esc(&issuer),
        lang.tag()
    )
}

fn settings_xml(lang: Lang) -> String {
    format!(
        r#"{XML_DECL}<w:settings xmlns:w="{NS_W}"><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/><w:updateFields w:val="true"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat><w:themeFontLang w:val="{}" w:eastAsia="zh-CN"/></w:settings>"#,
        if lang == Lang::Zh { "zh-CN" } else { "en-US" }
    )
}

fn numbering_xml() -> String {
    format!(
        r#"{XML_DECL}<w:numbering xmlns:w="{NS_W}"><w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="420" w:hanging="420"/></w:pPr></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#
    )
}

fn header_xml(doc: &Doc) -> String {
    format!(
        r#"{XML_DECL}<w:hdr xmlns:w="{NS_W}" xmlns:r="{NS_R}"><w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p></w:hdr>"#,
        esc(&doc.running_head)
    )
}

fn footer_xml() -> String {
    format!(
        r#"{XML_DECL}<w:ftr xmlns:w="{NS_W}" xmlns:r="{NS_R}"><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr><w:r><w:t xml:space="preserve">— </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>"#
    )
}

fn styles_xml(lang: Lang) -> String {
    // Official-document fonts: 宋体 (SimSun) for text, 黑体 (SimHei) for headings, Times New Roman
    // for Latin. The fonts are named by their English names, which Word and WPS resolve in every
    // locale, so that an English document carries no Chinese outside its data. The office
    // substitutes what it has (LibreOffice on Linux: Noto CJK).
    let (body_indent, body_after) = match lang {
        Lang::Zh => (r#"<w:ind w:firstLineChars="200" w:firstLine="420"/>"#, "0"),
        Lang::En => ("", "120"),
    };
    let heading = |id: &str, name: &str, level: u8, size: u32, extra: &str| {
        format!(
            r#"<w:style w:type="paragraph" w:styleId="{id}"><w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/>{extra}<w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="{level}"/></w:pPr><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="SimHei"/><w:b/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr></w:style>"#
        )
    };
    let toc = |id: &str, name: &str, indent: u32| {
        format!(
            r#"<w:style w:type="paragraph" w:styleId="{id}"><w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="39"/><w:pPr><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH_TWIPS}"/></w:tabs><w:spacing w:before="60" w:after="60"/><w:ind w:left="{indent}"/></w:pPr></w:style>"#
        )
    };
    let mut out = String::from(XML_DECL);
    let _ = write!(
        out,
        r#"<w:styles xmlns:w="{NS_W}"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="SimSun" w:cs="Times New Roman"/><w:sz w:val="24"/><w:szCs w:val="24"/><w:lang w:val="{}" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/><w:spacing w:after="0" w:line="320" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>"#,
        if lang == Lang::Zh { "zh-CN" } else { "en-GB" }
    );
    out.push_str(r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/></w:pPr></w:style>"#);
    out.push_str(r#"<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>"#);
    let _ = write!(
        out,
        r#"<w:style w:type="paragraph" w:styleId="BodyText"><w:name w:val="Body Text"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="{body_after}"/>{body_indent}<w:jc w:val="both"/></w:pPr></w:style>"#
    );
    out.push_str(r#"<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:before="2400" w:after="600"/><w:jc w:val="center"/><w:outlineLvl w:val="9"/></w:pPr><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="SimHei"/><w:b/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>"#);
    out.push_str(r#"<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="240"/><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="30"/><w:szCs w:val="30"/></w:rPr></w:style>"#);
    out.push_str(&heading(
        "Heading1",
        "heading 1",
        0,
        32,
        "<w:pageBreakBefore/>",
    ));
    out.push_str(&heading("Heading2", "heading 2", 1, 28, ""));
    out.push_str(&heading("Heading3", "heading 3", 2, 24, ""));
    out.push_str(r#"<w:style w:type="paragraph" w:styleId="TOCHeading"><w:name w:val="TOC Heading"/><w:basedOn w:val="Heading1"/><w:next w:val="Normal"/><w:uiPriority w:val="39"/><w:qFormat/><w:pPr><w:jc w:val="center"/><w:outlineLvl w:val="9"/></w:pPr></w:style>"#);
    out.push_str(&toc("TOC1", "toc 1", 0));
    out.push_str(&toc("TOC2", "toc 2", 420));
    out.push_str(&toc("TOC3", "toc 3", 840));
    out.push_str(r#"<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="35"/><w:qFormat/><w:pPr><w:spacing w:before="120" w:after="120"/><w:jc w:val="center"/></w:pPr><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="SimHei"/><w:b/><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style>"#);
    out.push_str(r#"<w:style w:type="paragraph" w:styleId="TableUnit"><w:name w:val="Table Unit"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:jc w:val="right"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>"#);
    out.push_str(r#"<w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:line="260" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr></w:style>"#);
    out.push_str(r#"<w:style w:type="paragraph" w:styleId="TableHeading"><w:name w:val="Table Heading"/><w:basedOn w:val="TableText"/><w:pPr><w:keepNext/></w:pPr><w:rPr><w:rFonts w:eastAsia="SimHei"/><w:b/></w:rPr></w:style>"#);
    out.push_str(r#"<w:style w:type="paragraph" w:styleId="Note"><w:name w:val="Note"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="120"/></w:pPr><w:rPr><w:color w:val="595959"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>"#);
    out.push_str(r#"<w:style w:type="paragraph" w:styleId="Banner"><w:name w:val="Banner"/><w:basedOn w:val="Normal"/><w:pPr><w:pBdr><w:top w:val="single" w:sz="12" w:space="4" w:color="B03A2E"/><w:left w:val="single" w:sz="12" w:space="4" w:color="B03A2E"/><w:bottom w:val="single" w:sz="12" w:space="4" w:color="B03A2E"/><w:right w:val="single" w:sz="12" w:space="4" w:color="B03A2E"/></w:pBdr><w:spacing w:before="600"/><w:jc w:val="center"/></w:pPr><w:rPr><w:color w:val="B03A2E"/></w:rPr></w:style>"#);
    out.push_str(r#"<w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/><w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:spacing w:after="60"/></w:pPr></w:style>"#);
    out.push_str(r#"<w:style w:type="paragraph" w:styleId="ChartParagraph"><w:name w:val="Chart"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="120"/><w:jc w:val="center"/></w:pPr></w:style>"#);
    out.push_str(r#"<w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="4" w:space="1" w:color="808080"/></w:pBdr><w:jc w:val="center"/></w:pPr><w:rPr><w:color w:val="595959"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>"#);
    out.push_str(r#"<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>"#);
    out.push_str(r#"<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/><w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/></w:style>"#);
    out.push_str(r#"<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>"#);
    out.push_str(r#"<w:style w:type="table" w:styleId="ReportTable"><w:name w:val="Report Table"/><w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="12" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="12" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="BFBFBF"/></w:tblBorders><w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/><w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>"#);
    out.push_str("</w:styles>");
    out
}

struct Ids {
    bookmark: usize,
    drawing: usize,
}

fn document_xml(doc: &Doc, lang: Lang, charts: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(1024 * 1024);
    let _ = write!(
        out,
        r#"{XML_DECL}<w:document xmlns:w="{NS_W}" xmlns:r="{NS_R}" xmlns:wp="{NS_WP}" xmlns:a="{NS_A}" xmlns:c="{NS_C}"><w:body>"#
    );
    // Cover.
    let cover = &doc.cover;
    let _ = write!(
        out,
        r#"<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr>{}</w:p>"#,
        run(&cover.title)
    );
    let _ = write!(
        out,
        r#"<w:p><w:pPr><w:pStyle w:val="Subtitle"/></w:pPr>{}</w:p>"#,
        runs(&cover.edition)
    );
    let _ = write!(
        out,
        r#"<w:p><w:pPr><w:pStyle w:val="Subtitle"/><w:spacing w:before="1200"/></w:pPr>{}</w:p>"#,
        runs(&cover.issuer)
    );
    let _ = write!(
        out,
        r#"<w:p><w:pPr><w:pStyle w:val="Subtitle"/></w:pPr>{}</w:p>"#,
        run(&cover.date)
    );
    if let Some(banner) = &cover.synthetic_banner {
        let _ = write!(
            out,
            r#"<w:p><w:pPr><w:pStyle w:val="Banner"/></w:pPr>{}</w:p>"#,
            run(banner)
        );
    }

    // Contents: a TOC field pre-filled with the headings, updated by the office on opening.
    let _ = write!(
        out,
        r#"<w:p><w:pPr><w:pStyle w:val="TOCHeading"/></w:pPr>{}</w:p>"#,
        run(&cover.toc_title)
    );
    let headings: Vec<_> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading(h) => Some(h),
            _ => None,
        })
        .collect();
    let field_begin = r#"<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r><w:r><w:instrText xml:space="preserve"> TOC \o "1-3" \h \z \u </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>"#;
    let field_end = r#"<w:r><w:fldChar w:fldCharType="end"/></w:r>"#;
    if headings.is_empty() {
        let _ = write!(
            out,
            r#"<w:p><w:pPr><w:pStyle w:val="TOC1"/></w:pPr>{field_begin}{field_end}</w:p>"#
        );
    }
    for (k, h) in headings.iter().enumerate() {
        let _ = write!(
            out,
            r#"<w:p><w:pPr><w:pStyle w:val="TOC{}"/></w:pPr>"#,
            h.level
        );
        if k == 0 {
            out.push_str(field_begin);
        }
        let _ = write!(
            out,
            r#"<w:hyperlink w:anchor="_Toc{}" w:history="1">{}</w:hyperlink>"#,
            k + 1,
            run(&h.full_text())
        );
        if k + 1 == headings.len() {
            out.push_str(field_end);
        }
        out.push_str("</w:p>");
    }

    let mut ids = Ids {
        bookmark: 0,
        drawing: 0,
    };
    for block in &doc.blocks {
        match block {
            Block::Heading(h) => {
                ids.bookmark += 1;
                let _ = write!(
                    out,
                    r#"<w:p><w:pPr><w:pStyle w:val="Heading{}"/></w:pPr><w:bookmarkStart w:id="{id}" w:name="_Toc{id}"/>{}<w:bookmarkEnd w:id="{id}"/></w:p>"#,
                    h.level,
                    run(&h.full_text()),
                    id = ids.bookmark
                );
            }
            Block::Para(r) => {
                let _ = write!(
                    out,
                    r#"<w:p><w:pPr><w:pStyle w:val="BodyText"/></w:pPr>{}</w:p>"#,
                    runs(r)
                );
            }
            Block::Note(r) => {
                let _ = write!(
                    out,
                    r#"<w:p><w:pPr><w:pStyle w:val="Note"/></w:pPr>{}</w:p>"#,
                    runs(r)
                );
            }
            Block::Bullets(items) => {
                for item in items {
                    let _ = write!(
                        out,
                        r#"<w:p><w:pPr><w:pStyle w:val="ListBullet"/></w:pPr>{}</w:p>"#,
                        runs(item)
                    );
                }
            }
            Block::Table(t) => table(&mut out, t),
            Block::Chart(c) => {
                charts.push(chart_xml(&c.chart, lang));
                ids.drawing += 1;
                let n = charts.len();
                let (cx, cy) = chart_size(&c.chart);
                let _ = write!(
                    out,
                    r#"<w:p><w:pPr><w:pStyle w:val="ChartParagraph"/></w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="{id}" name="Chart {id}" title="{title}" descr="{descr}"/><wp:cNvGraphicFramePr/><a:graphic><a:graphicData uri="{NS_C}"><c:chart r:id="rIdChart{n}"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"#,
                    id = ids.drawing,
                    title = esc(&c.chart.title),
                    descr = esc(&c.chart.alt),
                );
                let _ = write!(
                    out,
                    r#"<w:p><w:pPr><w:pStyle w:val="Caption"/></w:pPr>{}</w:p>"#,
                    run(&c.caption)
                );
            }
        }
    }
    let _ = write!(
        out,
        r#"<w:sectPr><w:headerReference w:type="default" r:id="rId4"/><w:footerReference w:type="default" r:id="rId5"/><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1701" w:right="1417" w:bottom="1417" w:left="1417" w:header="851" w:footer="851" w:gutter="0"/><w:cols w:space="425"/></w:sectPr></w:body></w:document>"#
    );
    out
}

fn table(out: &mut String, t: &Table) {
    let _ = write!(
        out,
        r#"<w:p><w:pPr><w:pStyle w:val="Caption"/><w:keepNext/></w:pPr>{}</w:p>"#,
        run(&t.caption)
    );
    if let Some(unit) = &t.unit_note {
        let _ = write!(
            out,
            r#"<w:p><w:pPr><w:pStyle w:val="TableUnit"/></w:pPr>{}</w:p>"#,
            run(unit)
        );
    }
    let total: u32 = t.columns.iter().map(|c| c.width).sum::<u32>().max(1);
    let widths: Vec<u32> = t
        .columns
        .iter()
        .map(|c| c.width * TEXT_WIDTH_TWIPS / total)
        .collect();
    out.push_str(r#"<w:tbl><w:tblPr><w:tblStyle w:val="ReportTable"/><w:tblW w:w="5000" w:type="pct"/><w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>"#);
    for w in &widths {
        let _ = write!(out, r#"<w:gridCol w:w="{w}"/>"#);
    }
    out.push_str(r#"</w:tblGrid><w:tr><w:trPr><w:tblHeader/></w:trPr>"#);
    for (c, w) in t.columns.iter().zip(&widths) {
        let jc = if c.numeric { "right" } else { "left" };
        let _ = write!(
            out,
            r#"<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/><w:tcBorders><w:bottom w:val="single" w:sz="6" w:space="0" w:color="000000"/></w:tcBorders><w:shd w:val="clear" w:color="auto" w:fill="F3F6FA"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="TableHeading"/><w:jc w:val="{jc}"/></w:pPr>{}</w:p></w:tc>"#,
            run(&c.header)
        );
    }
    out.push_str("</w:tr>");
    for row in &t.rows {
        out.push_str(r#"<w:tr><w:trPr><w:cantSplit/></w:trPr>"#);
        for (k, cell) in row.iter().enumerate() {
            let numeric = t.columns.get(k).is_some_and(|c| c.numeric);
            let jc = if numeric { "right" } else { "left" };
            let w = widths.get(k).copied().unwrap_or(0);
            let _ = write!(
                out,
                r#"<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="TableText"/><w:jc w:val="{jc}"/></w:pPr>{}</w:p></w:tc>"#,
                runs(cell)
            );
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
}

fn run(text: &str) -> String {
    format!(
        r#"<w:r><w:t xml:space="preserve">{}</w:t></w:r>"#,
        esc(text)
    )
}

fn runs(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for inline in inlines {
        match inline {
            Inline::Text(t) | Inline::Fig(_, t) => out.push_str(&run(t)),
            Inline::Foreign(t) => {
                let _ = write!(
                    out,
                    r#"<w:r><w:rPr><w:lang w:val="zh-CN" w:eastAsia="zh-CN"/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r>"#,
                    esc(t)
                );
            }
        }
    }
    out
}

/// Size of a chart on the page, in EMU: full text width; height by the number of rows.
fn chart_size(chart: &Chart) -> (u64, u64) {
    let width = TEXT_WIDTH_TWIPS as u64 * EMU_PER_TWIP;
    let height_cm = match &chart.kind {
        ChartKind::Bars { labels, series } => {
            2.2 + labels.len() as f64 * (0.35 + 0.25 * series.len() as f64)
        }
        ChartKind::StackedBars { labels, .. } => 2.8 + labels.len() as f64 * 0.75,
        ChartKind::Line { .. } => 8.0,
    };
    (width, (height_cm.clamp(5.0, 22.0) * EMU_PER_CM) as u64)
}

fn number_format(decimals: usize) -> String {
    if decimals == 0 {
        "#,##0".into()
    } else {
        format!("#,##0.{}", "0".repeat(decimals))
    }
}

fn chart_xml(chart: &Chart, lang: Lang) -> String {
    let mut out = String::with_capacity(8 * 1024);
    let _ = write!(
        out,
        r#"{XML_DECL}<c:chartSpace xmlns:c="{NS_C}" xmlns:a="{NS_A}" xmlns:r="{NS_R}"><c:lang val="{}"/><c:roundedCorners val="0"/><c:chart><c:autoTitleDeleted val="1"/><c:plotArea><c:layout/>"#,
        lang.tag()
    );
    let fmt = number_format(chart.decimals);
    let (labels, series, bar_dir, grouping) = match &chart.kind {
        ChartKind::Bars { labels, series } => (labels, series, Some("bar"), "clustered"),
        ChartKind::StackedBars { labels, series, .. } => (labels, series, Some("bar"), "stacked"),
        ChartKind::Line { labels, series } => (labels, series, None, "standard"),
    };
    // Horizontal bars are drawn from the bottom up: feed the rows reversed so that the first row
    // is on top, as in the HTML.
    let reversed = bar_dir.is_some();
    let cats: Vec<&str> = if reversed {
        labels.iter().rev().map(|l| l.text.as_str()).collect()
    } else {
        labels.iter().map(|l| l.text.as_str()).collect()
    };
    let values_of = |s: &Series| -> Vec<f64> {
        let v: Vec<f64> = s.values.iter().map(|v| v.value).collect();
        if reversed {
            v.into_iter().rev().collect()
        } else {
            v
        }
    };
    let has_negative = series.iter().flat_map(|s| &s.values).any(|v| v.value < 0.0);
    match bar_dir {
        Some(dir) => {
            let _ = write!(
                out,
                r#"<c:barChart><c:barDir val="{dir}"/><c:grouping val="{grouping}"/><c:varyColors val="0"/>"#
            );
            for (k, s) in series.iter().enumerate() {
                let color = s.color.trim_start_matches('#');
                let _ = write!(
                    out,
                    r#"<c:ser><c:idx val="{k}"/><c:order val="{k}"/>{}<c:spPr><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>{}{}{}</c:ser>"#,
                    series_name(k, &s.name),
                    data_labels(&fmt, grouping == "stacked"),
                    categories(&cats),
                    values(k, &values_of(s), &fmt),
                );
            }
            let _ = write!(out, r#"<c:gapWidth val="60"/>"#);
            if grouping == "stacked" {
                out.push_str(r#"<c:overlap val="100"/>"#);
            }
            out.push_str(r#"<c:axId val="1001"/><c:axId val="1002"/></c:barChart>"#);
            out.push_str(&cat_axis("l"));
            out.push_str(&val_axis("b", &chart.unit, &fmt, !has_negative));
        }
        None => {
            out.push_str(r#"<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>"#);
            for (k, s) in series.iter().enumerate() {
                let color = s.color.trim_start_matches('#');
                let _ = write!(
                    out,
                    r#"<c:ser><c:idx val="{k}"/><c:order val="{k}"/>{}<c:spPr><a:ln w="28575" cap="rnd"><a:solidFill><a:srgbClr val="{color}"/></a:solidFill><a:round/></a:ln></c:spPr><c:marker><c:symbol val="circle"/><c:size val="5"/><c:spPr><a:solidFill><a:srgbClr val="{color}"/></a:solidFill><a:ln><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></a:ln></c:spPr></c:marker>{}{}<c:smooth val="0"/></c:ser>"#,
                    series_name(k, &s.name),
                    categories(&cats),
                    values(k, &values_of(s), &fmt),
                );
            }
            out.push_str(
                r#"<c:marker val="1"/><c:axId val="1001"/><c:axId val="1002"/></c:lineChart>"#,
            );
            out.push_str(&cat_axis("b"));
            // A line need not start at zero; the office scales it to the data.
            out.push_str(&val_axis("l", &chart.unit, &fmt, false));
        }
    }
    out.push_str("</c:plotArea>");
    if series.len() > 1 {
        out.push_str(r#"<c:legend><c:legendPos val="t"/><c:overlay val="0"/></c:legend>"#);
    }
    out.push_str(r#"<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>"#);
    out.push_str(r#"<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="900"><a:latin typeface="Arial"/><a:ea typeface="SimSun"/></a:defRPr></a:pPr><a:endParaRPr lang="zh-CN"/></a:p></c:txPr>"#);
    out.push_str("</c:chartSpace>");
    out
}

fn series_name(k: usize, name: &str) -> String {
    let col = (b'B' + k as u8) as char;
    format!(
        r#"<c:tx><c:strRef><c:f>Sheet1!${col}$1</c:f><c:strCache><c:ptCount val="1"/><c:pt idx="0"><c:v>{}</c:v></c:pt></c:strCache></c:strRef></c:tx>"#,
        esc(name)
    )
}

fn data_labels(fmt: &str, centred: bool) -> String {
    let pos = if centred { "ctr" } else { "outEnd" };
    format!(
        r#"<c:dLbls><c:numFmt formatCode="{}" sourceLinked="0"/><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr><c:dLblPos val="{pos}"/><c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>"#,
        esc(fmt)
    )
}

fn categories(cats: &[&str]) -> String {
    let mut out = format!(
        r#"<c:cat><c:strRef><c:f>Sheet1!$A$2:$A${}</c:f><c:strCache><c:ptCount val="{}"/>"#,
        cats.len() + 1,
        cats.len()
    );
    for (i, c) in cats.iter().enumerate() {
        let _ = write!(out, r#"<c:pt idx="{i}"><c:v>{}</c:v></c:pt>"#, esc(c));
    }
    out.push_str("</c:strCache></c:strRef></c:cat>");
    out
}

fn values(k: usize, vals: &[f64], fmt: &str) -> String {
    let col = (b'B' + k as u8) as char;
    let mut out = format!(
        r#"<c:val><c:numRef><c:f>Sheet1!${col}$2:${col}${}</c:f><c:numCache><c:formatCode>{}</c:formatCode><c:ptCount val="{}"/>"#,
        vals.len() + 1,
        esc(fmt),
        vals.len()
    );
    for (i, v) in vals.iter().enumerate() {
        let _ = write!(
            out,
            r#"<c:pt idx="{i}"><c:v>{}</c:v></c:pt>"#,
            cache_number(*v)
        );
    }
    out.push_str("</c:numCache></c:numRef></c:val>");
    out
}

/// The shortest text that reads back as the same number (the same everywhere).
fn cache_number(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        "0".into()
    }
}

fn cat_axis(pos: &str) -> String {
    format!(
        r#"<c:catAx><c:axId val="1001"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="{pos}"/><c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="low"/><c:crossAx val="1002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:tickLblSkip val="1"/><c:noMultiLvlLbl val="0"/></c:catAx>"#
    )
}

fn val_axis(pos: &str, unit: &str, fmt: &str, from_zero: bool) -> String {
    let min = if from_zero { r#"<c:min val="0"/>"# } else { "" };
    format!(
        r#"<c:valAx><c:axId val="1002"/><c:scaling><c:orientation val="minMax"/>{min}</c:scaling><c:delete val="0"/><c:axPos val="{pos}"/><c:majorGridlines><c:spPr><a:ln w="6350"><a:solidFill><a:srgbClr val="E3E3E3"/></a:solidFill></a:ln></c:spPr></c:majorGridlines><c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="900" b="0"/></a:pPr><a:r><a:rPr lang="zh-CN" sz="900" b="0"/><a:t>{}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title><c:numFmt formatCode="{}" sourceLinked="0"/><c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="1001"/><c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx>"#,
        esc(unit),
        esc(fmt)
    )
}
