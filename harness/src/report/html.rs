//! A [`Report`] as one self-contained HTML file: inline CSS, charts inlined
//! as SVG, no external resource of any kind (it opens on an air-gapped
//! machine), readable without JavaScript. A small inline script sorts a
//! table by a click on its header and filters long tables as you type.

use html_escape::{encode_double_quoted_attribute as attr, encode_text as esc};

use super::{Align, Block, Cell, Kind, Report, RowKind, Section, Span, Table, Text};
use crate::analysis::Metric;

/// Renders `report`; `chart` gives the SVG of a chart by its path (charts
/// it does not know are linked instead, with their description).
pub fn render(report: &Report, chart: &dyn Fn(&str) -> Option<String>) -> String {
    let title = report.title.to_plain();
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n",
        esc(&title),
        inline(&report.title)
    );
    for block in &report.preamble {
        out.push_str(&self::block(block, chart));
    }
    out.push_str("<nav aria-label=\"sections\"><ol>\n");
    for section in &report.sections {
        out.push_str(&format!(
            "<li><a href=\"#{}\">{}</a></li>\n",
            attr(&slug(section)),
            inline(&section.title)
        ));
    }
    out.push_str("</ol></nav>\n</header>\n<main>\n");
    for section in &report.sections {
        out.push_str(&format!(
            "<section id=\"{}\">\n<h2>{}</h2>\n",
            attr(&slug(section)),
            inline(&section.title)
        ));
        for block in &section.blocks {
            out.push_str(&self::block(block, chart));
        }
        out.push_str("</section>\n");
    }
    out.push_str(&format!(
        "</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    ));
    out
}

/// A section's anchor: its title's words, lower case, joined by hyphens.
pub fn slug(section: &Section) -> String {
    section
        .title
        .to_plain()
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn block(b: &Block, chart: &dyn Fn(&str) -> Option<String>) -> String {
    match b {
        Block::Notice(text) => format!("<aside class=\"notice\">{}</aside>\n", inline(text)),
        Block::Paragraph(text) => format!("<p>{}</p>\n", inline(text)),
        Block::List(items) => {
            let items: String = items
                .iter()
                .map(|i| format!("<li>{}</li>\n", inline(i)))
                .collect();
            format!("<ul>\n{items}</ul>\n")
        }
        Block::Table(t) => table(t),
        Block::Chart(c) => match chart(&c.path) {
            // The SVG's own title for readers who cannot see it.
            Some(svg) => format!(
                "<figure role=\"img\" aria-label=\"{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
                attr(&c.alt),
                svg.trim_start_matches(|c| c != '<').trim(),
                esc(&c.alt)
            ),
            None => format!("<p><a href=\"{}\">{}</a></p>\n", attr(&c.path), esc(&c.alt)),
        },
    }
}

fn inline(text: &Text) -> String {
    text.0
        .iter()
        .map(|span| match span {
            Span::Plain(s) => esc(s).into_owned(),
            Span::Strong(s) => format!("<strong>{}</strong>", esc(s)),
            Span::Emphasis(s) => format!("<em>{}</em>", esc(s)),
            Span::Code(s) => format!("<code>{}</code>", esc(s)),
        })
        .collect()
}

fn table(t: &Table) -> String {
    // Long tables get a filter box (shown by the script, which does the filtering).
    let mut out = format!(
        "<div class=\"table\" data-rows=\"{}\">\n<table>\n",
        t.rows.len()
    );
    if let Some(caption) = &t.caption {
        out.push_str(&format!("<caption>{}</caption>\n", esc(caption)));
    }
    out.push_str("<thead><tr>");
    for column in &t.columns {
        let class = match column.align {
            Align::Left => "",
            Align::Right => " class=\"num\"",
        };
        out.push_str(&format!("<th{class}>{}</th>", inline(&column.header)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        let class = match row.kind {
            RowKind::Plain => "",
            RowKind::Group => " class=\"group\"",
            RowKind::Member => " class=\"member\"",
        };
        out.push_str(&format!("<tr{class}>"));
        for cell in &row.cells {
            out.push_str(&self::cell(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    out
}

fn cell(c: &Cell) -> String {
    let mut classes: Vec<String> = Vec::new();
    match c.kind {
        Kind::Text => {}
        Kind::Figure => classes.push("num".into()),
        Kind::Missing => classes.push("missing".into()),
        Kind::Status(status) => classes.push(format!("status {}", class_name(&status.to_string()))),
        Kind::Verdict(verdict) => classes.push(format!("verdict {}", class_name(verdict.name()))),
        Kind::Change(change) => classes.push(format!(
            "change {}",
            class_name(change.label(Metric::Execute))
        )),
    }
    let mut text = inline(&c.text);
    if c.noisy {
        classes.push("noisy".into());
        text.push_str(
            " <span title=\"noisy: coefficient of variation above the threshold\">⚠</span>",
        );
    }
    if classes.is_empty() {
        format!("<td>{text}</td>")
    } else {
        format!("<td class=\"{}\">{text}</td>", attr(&classes.join(" ")))
    }
}

/// A CSS class from a status or verdict's name (`expected-fail`, `no change`).
fn class_name(name: &str) -> String {
    name.replace(' ', "-")
}

const STYLE: &str = r#"
:root { --ink: #1d1d1f; --muted: #666; --rule: #d8d8d8; --band: #f6f6f8; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0 auto; padding: 1.5rem; max-width: 1400px; }
h1 { margin: 0 0 .5rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid var(--rule); padding-bottom: .2rem; }
nav ol { columns: 3 18rem; padding-left: 1.2rem; margin: 1rem 0 0; }
nav li { break-inside: avoid; }
code { font: 13px ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: var(--band);
       padding: 0 .2em; border-radius: 3px; }
.notice { border-left: 4px solid #e0a800; background: #fff8e1; padding: .5rem .8rem; margin: 1rem 0; }
.table { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; font-size: 13px; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border-bottom: 1px solid var(--rule); padding: .25rem .5rem; vertical-align: top; text-align: left; }
th { position: sticky; top: 0; background: #fff; cursor: pointer; user-select: none; }
th.num, td.num { text-align: right; white-space: nowrap; }
th[data-order="asc"]::after { content: " ▲"; } th[data-order="desc"]::after { content: " ▼"; }
tbody tr:nth-child(even) { background: var(--band); }
tr.group td:first-child { font-weight: 600; } tr.member td:first-child { padding-left: 1.5rem; }
td.missing { color: var(--muted); }
td.status { color: #b00020; font-weight: 600; } td.status.ok { color: inherit; font-weight: normal; }
td.verdict.pass, td.change.faster { color: #1b7f3b; } td.verdict.fail, td.change.slower { color: #b00020; font-weight: 600; }
td.verdict.skip { color: var(--muted); } td.verdict.expected-fail, td.change.uncertain { color: #a06000; }
td.verdict.unexpected-pass { color: #8e24aa; }
td.noisy span { color: #a06000; }
figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 13px; }
input.filter { margin: .3rem 0; padding: .2rem .4rem; font: inherit; width: 18rem; }
"#;

const SCRIPT: &str = r#"
(function () {
  "use strict";
  // A cell's value for sorting: a figure with its unit, else its text.
  var units = { ns: 1, "µs": 1e3, ms: 1e6, s: 1e9, KiB: 1024, MiB: 1048576, GiB: 1073741824 };
  function value(cell) {
    var text = cell.textContent.trim();
    var m = /^([-+]?[0-9]*\.?[0-9]+)\s*(ns|µs|ms|s|KiB|MiB|GiB)?/.exec(text);
    if (!m) return text.toLowerCase();
    return parseFloat(m[1]) * (units[m[2]] || 1);
  }
  function compare(a, b) {
    if (typeof a === typeof b) return a < b ? -1 : a > b ? 1 : 0;
    return typeof a === "number" ? -1 : 1;
  }
  document.querySelectorAll("div.table").forEach(function (box) {
    var table = box.querySelector("table");
    var body = table.tBodies[0];
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, column) {
      th.title = "sort by this column";
      th.addEventListener("click", function () {
        var order = th.dataset.order === "asc" ? "desc" : "asc";
        Array.prototype.forEach.call(headers, function (h) { delete h.dataset.order; });
        th.dataset.order = order;
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var c = compare(value(a.cells[column]), value(b.cells[column]));
          return order === "asc" ? c : -c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
    if (Number(box.dataset.rows) > 12) {
      var input = document.createElement("input");
      input.type = "search";
      input.className = "filter";
      input.placeholder = "filter rows…";
      input.addEventListener("input", function () {
        var needle = input.value.toLowerCase();
        Array.prototype.forEach.call(body.rows, function (row) {
          row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) < 0;
        });
      });
      box.insertBefore(input, table);
    }
  });
  document.body.dataset.ready = "yes";
})();
"#;

#[cfg(test)]
mod tests {
    use super::super::{Chart, Column, Row};
    use super::*;
    use crate::results::Status;

    #[test]
    fn blocks_render_as_escaped_html_with_inline_charts() {
        let mut table = Table::new(vec![Column::left("id"), Column::right("<time>")]);
        table.rows.push(Row::new(vec![
            Cell::code("a&b"),
            Cell::figure("1.0 ms").noisy(true),
        ]));
        table.rows.push(Row::new(vec![
            Cell::code("c"),
            Cell::status(Status::Failed),
        ]));
        let report = Report {
            title: "T".into(),
            preamble: vec![Block::Notice(Text::new().strong("Note.").plain(" <x>"))],
            sections: vec![Section::new(
                Text::markup("A `b`"),
                vec![
                    Block::Table(table),
                    Block::Chart(Chart {
                        path: "c.svg".into(),
                        alt: "a \"c\"".into(),
                    }),
                    Block::Chart(Chart {
                        path: "gone.svg".into(),
                        alt: "gone".into(),
                    }),
                ],
            )],
        };
        let html = render(&report, &|path| {
            (path == "c.svg").then(|| "<svg></svg>".to_string())
        });
        assert!(html.contains("<aside class=\"notice\"><strong>Note.</strong> &lt;x&gt;</aside>"));
        assert!(html.contains("<section id=\"a-b\">\n<h2>A <code>b</code></h2>"));
        assert!(html.contains("<th class=\"num\">&lt;time&gt;</th>"));
        assert!(html.contains("<td><code>a&amp;b</code></td><td class=\"num noisy\">1.0 ms <span"));
        assert!(html.contains("<td class=\"status failed\"><strong>failed</strong></td>"));
        assert!(html.contains("<figure role=\"img\" aria-label=\"a &quot;c&quot;\">\n<svg></svg>"));
        assert!(html.contains("<p><a href=\"gone.svg\">gone</a></p>"));
        assert!(!html.contains("http"), "nothing external");
    }
}
