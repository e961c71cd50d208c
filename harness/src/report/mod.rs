//! A report as data: titled sections of paragraphs, lists, tables and
//! charts, built once from a run's [`Results`](crate::results::Results)
//! ([`run`]), a conformance [`Matrix`](crate::conformance::Matrix)
//! ([`conformance`]) or a comparison of two runs ([`compare`]), and rendered by one file per format ([`markdown`],
//! [`terminal`]). What a report says is decided by the builders; how it
//! looks, by the renderers: a new format is one more renderer.

mod common;
pub mod compare;
pub mod comparison;
pub mod conformance;
pub mod html;
pub mod markdown;
pub mod recommend;
pub mod run;
pub mod scenario;
pub mod terminal;

use crate::conformance::Verdict;
use crate::results::Status;

/// A whole document: its title, what comes before the first section (notices,
/// settings, the headline), and its sections in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub title: Text,
    pub preamble: Vec<Block>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub title: Text,
    pub blocks: Vec<Block>,
}

impl Section {
    pub fn new(title: impl Into<Text>, blocks: Vec<Block>) -> Self {
        Section {
            title: title.into(),
            blocks,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Something the reader must know before trusting the rest (an
    /// interrupted run): set apart from the text.
    Notice(Text),
    Paragraph(Text),
    /// A bulleted list, one item each.
    List(Vec<Text>),
    Table(Table),
    Chart(Chart),
}

/// An image written beside the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Relative to the report's directory.
    pub path: String,
    /// What it shows, for a reader who cannot see it.
    pub alt: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// A short title for where the table stands alone, without its section's
    /// title (the terminal puts it in the header's first cell).
    pub caption: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

impl Table {
    pub fn new(columns: Vec<Column>) -> Self {
        Table {
            caption: None,
            columns,
            rows: Vec::new(),
        }
    }

    pub fn with_caption(mut self, caption: &str) -> Self {
        self.caption = Some(caption.to_string());
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub header: Text,
    pub align: Align,
}

impl Column {
    pub fn left(header: impl Into<Text>) -> Self {
        Column {
            header: header.into(),
            align: Align::Left,
        }
    }

    /// A column of figures.
    pub fn right(header: impl Into<Text>) -> Self {
        Column {
            header: header.into(),
            align: Align::Right,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub kind: RowKind,
}

impl Row {
    pub fn new(cells: Vec<Cell>) -> Self {
        Row {
            cells,
            kind: RowKind::Plain,
        }
    }
}

/// Where a row stands among its neighbours, for tables whose rows come in
/// groups (a suite, then its categories).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Plain,
    /// A group's own row, covering all its members; its first cell names the group.
    Group,
    /// A row in the group whose row came last; its first cell names it within that group.
    Member,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: Text,
    pub kind: Kind,
    /// A figure whose spread makes it suspect (see [`crate::stats::NOISY_CV`]).
    pub noisy: bool,
}

impl Cell {
    pub fn new(text: impl Into<Text>, kind: Kind) -> Self {
        Cell {
            text: text.into(),
            kind,
            noisy: false,
        }
    }

    pub fn text(text: impl Into<Text>) -> Self {
        Cell::new(text, Kind::Text)
    }

    /// An identifier: a runtime, a workload, a test.
    pub fn code(id: impl Into<String>) -> Self {
        Cell::text(Text::new().code(id))
    }

    pub fn empty() -> Self {
        Cell::text(Text::new())
    }

    pub fn figure(text: impl Into<String>) -> Self {
        Cell::new(Text::new().plain(text), Kind::Figure)
    }

    pub fn noisy(mut self, noisy: bool) -> Self {
        self.noisy = noisy;
        self
    }

    /// What stands in place of a figure when there is none: the status of a
    /// cell that did not succeed.
    pub fn status(status: Status) -> Self {
        Cell::new(Text::new().strong(status.to_string()), Kind::Status(status))
    }

    /// A planned result that is not there.
    pub fn missing(text: &str) -> Self {
        Cell::new(text, Kind::Missing)
    }
}

/// What a cell holds, for renderers that colour or align by meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Words: a name, a description, a rate in words.
    Text,
    /// A measured or derived number.
    Figure,
    /// A planned result that is not there (not run, missing).
    Missing,
    /// A run cell's status.
    Status(Status),
    /// A conformance test's verdict.
    Verdict(Verdict),
    /// A comparison's verdict on a pair of cells.
    Change(crate::analysis::Verdict),
}

/// Inline text: runs of plain, strong, emphasised and code text. Line breaks
/// inside a run are where the Markdown source wraps; other formats may ignore them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Text(pub Vec<Span>);

#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    Plain(String),
    Strong(String),
    Emphasis(String),
    Code(String),
}

impl Span {
    pub fn as_str(&self) -> &str {
        match self {
            Span::Plain(s) | Span::Strong(s) | Span::Emphasis(s) | Span::Code(s) => s,
        }
    }
}

impl Text {
    pub fn new() -> Self {
        Text::default()
    }

    pub fn plain(self, s: impl Into<String>) -> Self {
        self.push(Span::Plain(s.into()))
    }

    pub fn strong(self, s: impl Into<String>) -> Self {
        self.push(Span::Strong(s.into()))
    }

    pub fn code(self, s: impl Into<String>) -> Self {
        self.push(Span::Code(s.into()))
    }

    fn push(mut self, span: Span) -> Self {
        self.0.push(span);
        self
    }

    /// The report's own wording with Markdown's inline marks (`**strong**`,
    /// `*emphasis*`, `` `code` ``) made spans: for text the harness writes,
    /// never for data (an error message may hold any of those marks).
    pub fn markup(s: &str) -> Self {
        let mut text = Text::new();
        let mut rest = s;
        let mut plain = String::new();
        while let Some(c) = rest.chars().next() {
            let marked = [
                ("**", Span::Strong as fn(String) -> Span),
                ("*", Span::Emphasis),
                ("`", Span::Code),
            ]
            .into_iter()
            .find_map(|(mark, span)| {
                let inner = rest.strip_prefix(mark)?;
                let end = inner.find(mark)?;
                Some((span(inner[..end].to_string()), &inner[end + mark.len()..]))
            });
            match marked {
                Some((span, after)) => {
                    if !plain.is_empty() {
                        text = text.plain(std::mem::take(&mut plain));
                    }
                    text = text.push(span);
                    rest = after;
                }
                None => {
                    plain.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        if !plain.is_empty() {
            text = text.plain(plain);
        }
        text
    }

    /// The words without their marks.
    pub fn to_plain(&self) -> String {
        self.0.iter().map(Span::as_str).collect()
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::new().plain(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text::new().plain(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_makes_spans_and_leaves_unpaired_marks() {
        assert_eq!(
            Text::markup("a **b** *c* `d` e * f"),
            Text::new()
                .plain("a ")
                .strong("b")
                .plain(" ")
                .push(Span::Emphasis("c".into()))
                .plain(" ")
                .code("d")
                .plain(" e * f")
        );
    }
}
