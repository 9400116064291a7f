//! A text buffer that stops at a character limit, and a reader that stops at a byte budget.

use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

/// Collects text up to `max` characters; past that it drops the rest and sets `truncated`.
pub(crate) struct Sink {
    pub text: String,
    chars: usize,
    max: usize,
    pub truncated: bool,
}

impl Sink {
    pub fn new(max: usize) -> Self {
        Sink {
            text: String::new(),
            chars: 0,
            max,
            truncated: false,
        }
    }

    /// Whether no more text fits.
    pub fn full(&self) -> bool {
        self.truncated
    }

    pub fn push(&mut self, c: char) {
        if self.chars >= self.max {
            self.truncated = true;
            return;
        }
        self.text.push(c);
        self.chars += 1;
    }

    pub fn push_str(&mut self, s: &str) {
        for c in s.chars() {
            if self.truncated {
                return;
            }
            self.push(c);
        }
    }

    /// The last character written, if any.
    pub fn last(&self) -> Option<char> {
        self.text.chars().next_back()
    }

    /// End the current line unless the text is empty or already ends one.
    pub fn newline(&mut self) {
        if !matches!(self.last(), None | Some('\n')) {
            self.push('\n');
        }
    }

    /// Drop trailing blanks and newlines.
    pub fn finish(mut self) -> (String, bool) {
        let trimmed = self.text.trim_end().len();
        self.text.truncate(trimmed);
        (self.text, self.truncated)
    }
}

/// A reader that gives end-of-file once `budget` bytes have been read, recording that the
/// budget ran out (the shared counter lets several readers draw on one budget).
pub(crate) struct Budgeted<R> {
    inner: R,
    left: Rc<Cell<usize>>,
    hit: Rc<Cell<bool>>,
}

impl<R: Read> Budgeted<R> {
    pub fn new(inner: R, left: Rc<Cell<usize>>, hit: Rc<Cell<bool>>) -> Self {
        Budgeted { inner, left, hit }
    }
}

impl<R: Read> Read for Budgeted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.left.get();
        if buf.is_empty() {
            return Ok(0);
        }
        if left == 0 {
            // Is there more? Then the budget cut it.
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? > 0 {
                self.hit.set(true);
            }
            return Ok(0);
        }
        let n = buf.len().min(left);
        let got = self.inner.read(&mut buf[..n])?;
        self.left.set(left - got);
        Ok(got)
    }
}
