//! TOML files read by the kiosk (config, catalog) with errors that name the file and the line.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One problem found in a file a person edits, printed as `file:line: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Line 0 means the problem is with the file as a whole (missing, unreadable, empty of one-things).
        match self.line {
            0 => write!(f, "{}: {}", self.file.display(), self.message),
            line => write!(f, "{}:{line}: {}", self.file.display(), self.message),
        }
    }
}

/// The text of one TOML file, kept so that byte spans can be turned into line numbers.
pub struct TomlSource {
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<usize>,
}

impl TomlSource {
    pub fn read(path: &Path) -> Result<TomlSource, Problem> {
        let text = std::fs::read_to_string(path).map_err(|e| Problem {
            file: path.to_path_buf(),
            line: 0,
            message: format!("cannot read the file: {e}"),
        })?;
        Ok(TomlSource::from_text(path, text))
    }

    pub fn from_text(path: &Path, text: String) -> TomlSource {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        TomlSource {
            path: path.to_path_buf(),
            text,
            line_starts,
        }
    }

    /// The 1-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset)
    }

    /// A problem at the start of `span`.
    pub fn problem(&self, span: Range<usize>, message: impl Into<String>) -> Problem {
        Problem {
            file: self.path.clone(),
            line: self.line_of(span.start),
            message: message.into(),
        }
    }

    /// Deserialises the whole file; a syntax or type error becomes a problem at its line.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, Problem> {
        toml::from_str(&self.text).map_err(|e| {
            let line = e.span().map_or(0, |span| self.line_of(span.start));
            Problem {
                file: self.path.clone(),
                line,
                message: e.message().trim().to_string(),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_one_based() {
        let src = TomlSource::from_text(Path::new("x.toml"), "a = 1\nb = 2\n\nc = 3".into());
        assert_eq!(src.line_of(0), 1);
        assert_eq!(src.line_of(6), 2);
        assert_eq!(src.line_of(13), 4);
    }

    #[test]
    fn type_errors_name_the_line_and_key() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Conf {
            a: u32,
            b: u32,
        }
        let src = TomlSource::from_text(Path::new("x.toml"), "a = 1\nb = \"two\"\n".into());
        let problem = src.parse::<Conf>().unwrap_err();
        assert_eq!(problem.line, 2);
        assert_eq!(problem.to_string().split(':').next(), Some("x.toml"));

        let src = TomlSource::from_text(Path::new("x.toml"), "a = 1\nb = 2\nbogus = 3\n".into());
        let problem = src.parse::<Conf>().unwrap_err();
        assert_eq!(problem.line, 3);
        assert!(problem.message.contains("bogus"), "{}", problem.message);
    }
}
