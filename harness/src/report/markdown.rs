//! A [`Report`] as GitHub-flavoured Markdown: a heading per section, blocks
//! apart by a blank line.

use super::{Align, Block, Cell, Report, RowKind, Span, Table, Text};

pub fn render(report: &Report) -> String {
    let mut blocks = vec![format!("# {}\n", inline(&report.title))];
    blocks.extend(report.preamble.iter().map(block));
    for section in &report.sections {
        blocks.push(format!("## {}\n", inline(&section.title)));
        blocks.extend(section.blocks.iter().map(block));
    }
    blocks.join("\n")
}

/// One block, ending with its line break.
fn block(b: &Block) -> String {
    match b {
        Block::Notice(text) => format!("> {}\n", inline(text).replace('\n', "\n> ")),
        Block::Paragraph(text) => format!("{}\n", inline(text)),
        // An item's later lines are indented under its first.
        Block::List(items) => items
            .iter()
            .map(|item| format!("- {}\n", inline(item).replace('\n', "\n  ")))
            .collect(),
        Block::Table(table) => self::table(table),
        Block::Chart(chart) => format!("![{}]({})\n", chart.alt, chart.path),
    }
}

fn inline(text: &Text) -> String {
    text.0
        .iter()
        .map(|span| match span {
            Span::Plain(s) => s.clone(),
            Span::Strong(s) => format!("**{s}**"),
            Span::Emphasis(s) => format!("*{s}*"),
            Span::Code(s) => format!("`{s}`"),
        })
        .collect()
}

fn table(t: &Table) -> String {
    let mut out = row(t.columns.iter().map(|c| inline(&c.header)));
    out.push('|');
    for column in &t.columns {
        out.push_str(match column.align {
            Align::Left => "---|",
            Align::Right => "---:|",
        });
    }
    out.push('\n');
    for r in &t.rows {
        out.push_str(&row(r.cells.iter().enumerate().map(|(i, c)| {
            let text = cell(c);
            // Markdown has no row groups: a group's own row stands out by its name.
            if i == 0 && r.kind == RowKind::Group {
                format!("**{text}**")
            } else {
                text
            }
        })));
    }
    out
}

fn cell(c: &Cell) -> String {
    // A table row is one line.
    let text = inline(&c.text).replace('\n', " ");
    if c.noisy { text + " ⚠" } else { text }
}

fn row(cells: impl Iterator<Item = String>) -> String {
    let mut out = String::from("|");
    for text in cells {
        if text.is_empty() {
            out.push_str(" |");
        } else {
            out.push_str(&format!(" {text} |"));
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::super::{Chart, Column, Kind, Row, Section};
    use super::*;

    #[test]
    fn blocks_render_as_markdown() {
        let mut table = Table::new(vec![Column::left("group"), Column::right("rate")]);
        table.rows.push(Row {
            cells: vec![Cell::text("s"), Cell::figure("1.0")],
            kind: RowKind::Group,
        });
        table.rows.push(Row::new(vec![
            Cell::empty(),
            Cell::new("9%", Kind::Figure).noisy(true),
        ]));
        let report = Report {
            title: "T".into(),
            preamble: vec![Block::Notice(Text::new().strong("Note.").plain(" x"))],
            sections: vec![Section::new(
                Text::markup("A `b`"),
                vec![
                    Block::Table(table),
                    Block::List(vec![Text::from("one\ntwo")]),
                    Block::Chart(Chart {
                        path: "c.svg".into(),
                        alt: "c".into(),
                    }),
                ],
            )],
        };
        assert_eq!(
            render(&report),
            "# T\n\n> **Note.** x\n\n## A `b`\n\n| group | rate |\n|---|---:|\n| **s** | 1.0 |\n\
             | | 9% ⚠ |\n\n- one\n  two\n\n![c](c.svg)\n"
        );
    }
}
