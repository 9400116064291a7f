//! Where `zwgk scan` writes its report: standard output, one file, or one file per format
//! in a folder (`--format json,markdown --output-dir DIR`).

use std::io::Write;
use std::path::{Path, PathBuf};

use zwgk_core::Report;
use zwgk_report::html::{Html, TrendPoint};
use zwgk_report::{write_atomic, Format, Renderer};

use crate::cli::ScanArgs;
use crate::exit::Code;

/// The formats written by `--output-dir` without `--format`.
pub const DIR_DEFAULT: [Format; 2] = [Format::Json, Format::Markdown];

/// One report to write: a format and a file (`None`: standard output).
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// The format.
    pub format: Format,
    /// The file, or `None` for standard output.
    pub path: Option<PathBuf>,
}

/// Parse `--format`: one format name or several separated by commas (duplicates dropped).
pub fn parse_formats(list: &str) -> Result<Vec<Format>, String> {
    let mut formats: Vec<Format> = Vec::new();
    for name in list.split(',').map(str::trim) {
        if name.is_empty() {
            return Err(format!("--format `{list}`: an empty format name"));
        }
        let f: Format = name
            .parse()
            .map_err(|e: zwgk_report::ReportError| e.to_string())?;
        if !formats.contains(&f) {
            formats.push(f);
        }
    }
    Ok(formats)
}

/// The reports the arguments ask for; `Err` is a usage error.
pub fn plan(args: &ScanArgs) -> Result<Vec<Output>, String> {
    plan_of(
        args.format.as_deref(),
        args.output.as_deref(),
        args.output_dir.as_deref(),
    )
}

/// The reports of one pack when a scan evaluates several: `--output-dir DIR` writes
/// `DIR/<pack id>/report.<ext>`, `--output r.json` writes `r.<pack id>.json`, and
/// standard output receives the reports one after another (a stream of JSON
/// documents that `jq` reads, or Markdown sections).
pub fn for_pack(outputs: &[Output], args: &ScanArgs, pack_id: &str) -> Vec<Output> {
    outputs
        .iter()
        .map(|o| {
            let path = o.path.as_ref().map(|path| {
                if args.output_dir.is_some() {
                    let file = path.file_name().unwrap_or_default();
                    path.with_file_name(pack_id).join(file)
                } else {
                    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
                    let name = match path.extension() {
                        Some(ext) => format!("{stem}.{pack_id}.{}", ext.to_string_lossy()),
                        None => format!("{stem}.{pack_id}"),
                    };
                    path.with_file_name(name)
                }
            });
            Output {
                format: o.format,
                path,
            }
        })
        .collect()
}

fn plan_of(
    format: Option<&str>,
    output: Option<&Path>,
    output_dir: Option<&Path>,
) -> Result<Vec<Output>, String> {
    let formats = format.map(parse_formats).transpose()?;
    if let Some(dir) = output_dir {
        let formats = formats.unwrap_or_else(|| DIR_DEFAULT.to_vec());
        let mut outputs: Vec<Output> = Vec::new();
        for format in formats {
            let path = dir.join(format!("report.{}", format.extension()));
            if outputs.iter().any(|o| o.path.as_ref() == Some(&path)) {
                return Err(format!(
                    "--format: two formats would both write {}",
                    path.display()
                ));
            }
            outputs.push(Output {
                format,
                path: Some(path),
            });
        }
        return Ok(outputs);
    }
    let format =
        match formats.as_deref() {
            Some([one]) => *one,
            Some(_) if output.is_some() => return Err(
                "--output writes one report: give one --format, or --output-dir DIR for several"
                    .into(),
            ),
            Some(_) => return Err("several formats need --output-dir DIR".into()),
            None => output
                .and_then(Path::extension)
                .and_then(|e| e.to_str())
                .and_then(|e| e.parse().ok())
                .unwrap_or(Format::Markdown),
        };
    Ok(vec![Output {
        format,
        path: output.map(Path::to_path_buf),
    }])
}

/// Render and write every report (each file atomically). `Err` carries the exit code,
/// the message already printed.
///
/// `trend` holds the outcome counts of earlier scans for the HTML report's trend
/// chart (drawn from two points on).
pub fn write(outputs: &[Output], report: &Report, trend: &[TrendPoint]) -> Result<(), Code> {
    for out in outputs {
        let with_trend;
        let renderer: &dyn Renderer = if out.format == Format::Html && trend.len() >= 2 {
            with_trend = Html::with_trend(trend.to_vec());
            &with_trend
        } else {
            out.format.renderer()
        };
        let bytes = renderer.render_to_vec(report).map_err(|e| {
            eprintln!("zwgk: {e}");
            Code::BadInput
        })?;
        match &out.path {
            Some(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    if let Err(e) = std::fs::create_dir_all(dir) {
                        eprintln!("zwgk: cannot create {}: {e}", dir.display());
                        return Err(Code::BadInput);
                    }
                }
                if let Err(e) = write_atomic(path, &bytes) {
                    eprintln!("zwgk: {e}");
                    return Err(Code::BadInput);
                }
            }
            None => {
                let mut stdout = std::io::stdout().lock();
                if stdout
                    .write_all(&bytes)
                    .and_then(|_| stdout.flush())
                    .is_err()
                {
                    return Err(Code::BadInput);
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<&Path> {
        Some(Path::new(s))
    }

    #[test]
    fn one_format_as_before() {
        let o = plan_of(None, None, None).unwrap();
        assert_eq!(o[0].format, Format::Markdown);
        assert_eq!(o[0].path, None);
        let o = plan_of(None, p("r.json"), None).unwrap();
        assert_eq!(o[0].format, Format::Json);
        let o = plan_of(Some("markdown"), p("r.json"), None).unwrap();
        assert_eq!(o[0].format, Format::Markdown);
    }

    #[test]
    fn several_formats_need_a_folder() {
        let o = plan_of(Some("json, md,json"), None, p("out")).unwrap();
        let paths: Vec<_> = o.iter().map(|o| o.path.clone().unwrap()).collect();
        assert_eq!(
            paths,
            vec![
                PathBuf::from("out/report.json"),
                PathBuf::from("out/report.md")
            ]
        );
        let o = plan_of(None, None, p("out")).unwrap();
        assert_eq!(
            o.iter().map(|o| o.format).collect::<Vec<_>>(),
            DIR_DEFAULT.to_vec()
        );
        assert!(plan_of(Some("json,markdown"), p("r.json"), None)
            .unwrap_err()
            .contains("--output-dir"));
        assert!(plan_of(Some("json,markdown"), None, None).is_err());
        assert!(plan_of(Some("json,pdf"), None, p("out")).is_err());
        assert!(plan_of(Some("json,"), None, p("out")).is_err());
    }
}
