//! The Chinese official working-day calendar (工作日) and arithmetic on it.
//!
//! Disclosure deadlines are counted in working days: a reply is due "within
//! 20 working days of receipt", a notice must be published "within 20 working
//! days of being made". A working day is a Monday to Friday that is not a
//! public holiday, or a Saturday or Sunday that the State Council General
//! Office has declared a working day (调休上班) to bridge a holiday.
//!
//! The holidays and adjusted workdays come from the General Office's yearly
//! notice on holiday arrangements (国务院办公厅关于某年部分节假日安排的通知,
//! 国办发明电), one TOML file per notice under `data/holidays/`. The built-in
//! calendar, [`WorkCalendar::china`], covers 2019 to 2026; other data can be
//! loaded with [`WorkCalendar::from_sources`].
//!
//! # File format
//!
//! ```toml
//! # 国务院办公厅关于2021年部分节假日安排的通知 (国办发明电〔2020〕27号)
//! year = 2021
//! source = "国办发明电〔2020〕27号"
//! # every date of each holiday period, weekend days included
//! holidays = [
//!   { name = "元旦", dates = ["2021-01-01", "2021-01-02", "2021-01-03"] },
//! ]
//! # weekend days that are working days (调休上班)
//! workdays = [
//!   { name = "春节", dates = ["2021-02-07", "2021-02-20"] },
//! ]
//! ```
//!
//! A notice may list dates of the neighbouring years: the 2019 notice gave
//! 2018-12-30 and 2018-12-31 off and made Saturday 2018-12-29 a working day.
//! Each date belongs to the file of the notice that announced it, and the
//! calendar merges all files. Dates more than one year away from the file's
//! `year` are rejected.
//!
//! # Coverage
//!
//! The covered years are those with a file; every file year between the first
//! and the last must be present. Asking about a date in another year is an
//! error ([`CalendarError::YearNotCovered`]) rather than a guess, since no rule
//! predicts a future notice. Dates late in December of the last covered year
//! are answered from that year's notice alone: a later notice could still
//! change them, as the 2019 notice did for 2018-12-29.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::RangeInclusive;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use toml::Spanned;

/// The built-in notices, one per year, as (source name, TOML text).
const BUILTIN_SOURCES: [(&str, &str); 8] = [
    (
        "holidays/2019.toml",
        include_str!("../data/holidays/2019.toml"),
    ),
    (
        "holidays/2020.toml",
        include_str!("../data/holidays/2020.toml"),
    ),
    (
        "holidays/2021.toml",
        include_str!("../data/holidays/2021.toml"),
    ),
    (
        "holidays/2022.toml",
        include_str!("../data/holidays/2022.toml"),
    ),
    (
        "holidays/2023.toml",
        include_str!("../data/holidays/2023.toml"),
    ),
    (
        "holidays/2024.toml",
        include_str!("../data/holidays/2024.toml"),
    ),
    (
        "holidays/2025.toml",
        include_str!("../data/holidays/2025.toml"),
    ),
    (
        "holidays/2026.toml",
        include_str!("../data/holidays/2026.toml"),
    ),
];

/// The official working-day calendar over a contiguous range of years.
///
/// Built from the yearly holiday notices; see the [module documentation](self)
/// for the data format and what "covered" means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkCalendar {
    /// Days off, weekend days of holiday periods included.
    holidays: BTreeSet<NaiveDate>,
    /// Saturdays and Sundays that are working days (调休上班).
    workdays: BTreeSet<NaiveDate>,
    /// First covered year.
    first_year: i32,
    /// Last covered year.
    last_year: i32,
}

/// A position in a calendar source: its name, and 1-based line and column
/// (the column counts characters, not bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Name of the source, as given to [`WorkCalendar::from_sources`].
    pub source_name: String,
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.source_name, self.line, self.column)
    }
}

/// Errors from loading calendar data or from asking about a date it does not
/// cover.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The date's year has no holiday notice in this calendar, so whether it
    /// is a working day is unknown.
    #[error(
        "{date}: year {} is not covered by the working-day calendar (covered: {first_year}-{last_year})",
        date.year()
    )]
    YearNotCovered {
        /// The date asked about, or reached while counting.
        date: NaiveDate,
        /// First covered year.
        first_year: i32,
        /// Last covered year.
        last_year: i32,
    },
    /// A source is not valid TOML, or does not have the expected fields and
    /// value types.
    #[error("{source_name}{}: {message}", position(*.line, *.column))]
    Parse {
        /// Name of the source.
        source_name: String,
        /// 1-based line of the error, when the parser reports a position.
        line: Option<usize>,
        /// 1-based column (in characters) of the error, when the parser
        /// reports a position.
        column: Option<usize>,
        /// The parser's message.
        message: String,
    },
    /// A date is more than one year away from its file's `year`.
    #[error("{at}: {date} ({name}) is not within one year of the notice's year {year}")]
    DateOutsideYear {
        /// Where the date is written.
        at: Location,
        /// The date.
        date: NaiveDate,
        /// Name of the holiday period it is listed under.
        name: String,
        /// The file's `year`.
        year: i32,
    },
    /// An adjusted workday falls on Monday to Friday, which are working days
    /// anyway.
    #[error("{at}: adjusted workday {date} ({name}) is a {weekday}, not a Saturday or Sunday")]
    WorkdayNotWeekend {
        /// Where the date is written.
        at: Location,
        /// The date.
        date: NaiveDate,
        /// Name of the holiday period it is listed under.
        name: String,
        /// Its day of the week.
        weekday: Weekday,
    },
    /// A date is listed twice, as a holiday both times or as a workday both
    /// times (in the same source or in two sources).
    #[error("{at}: {date} is listed twice (first at {first})")]
    DuplicateDate {
        /// Where the second listing is.
        at: Location,
        /// The date.
        date: NaiveDate,
        /// Where the first listing is.
        first: Location,
    },
    /// A date is listed both as a holiday and as an adjusted workday.
    #[error(
        "{at}: {date} is listed both as a holiday and as a workday (other listing at {first})"
    )]
    HolidayAndWorkday {
        /// Where the second listing is.
        at: Location,
        /// The date.
        date: NaiveDate,
        /// Where the first listing is.
        first: Location,
    },
    /// Two sources are notices for the same year.
    #[error("{source_name}: year {year} is already given by {first_source}")]
    DuplicateYear {
        /// The second source for the year.
        source_name: String,
        /// The year.
        year: i32,
        /// The first source for the year.
        first_source: String,
    },
    /// The years of the sources have a gap, so the calendar would silently
    /// treat the missing year as having no holidays.
    #[error("no source for year {year}, between the first year {first_year} and the last year {last_year}")]
    MissingYear {
        /// The first missing year.
        year: i32,
        /// First year with a source.
        first_year: i32,
        /// Last year with a source.
        last_year: i32,
    },
    /// No source was given.
    #[error("no calendar sources given")]
    NoSources,
}

/// Formats an optional parse position as `:line:column`, or nothing.
fn position(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(":{line}:{column}"),
        (Some(line), None) => format!(":{line}"),
        _ => String::new(),
    }
}

/// One notice file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoticeFile {
    year: i32,
    /// The notice's document number; required so that every file names its
    /// notice, not used in the arithmetic.
    #[allow(dead_code)]
    source: String,
    #[serde(default)]
    holidays: Vec<Period>,
    #[serde(default)]
    workdays: Vec<Period>,
}

/// The dates of one holiday, either its days off or its adjusted workdays.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Period {
    name: String,
    dates: Vec<Spanned<NaiveDate>>,
}

/// Whether a date is listed as a holiday or as an adjusted workday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Holiday,
    Workday,
}

/// 1-based line and character column of a byte offset in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn location(source_name: &str, text: &str, offset: usize) -> Location {
    let (line, column) = line_column(text, offset);
    Location {
        source_name: source_name.to_owned(),
        line,
        column,
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Parses one notice file, reporting errors with the source name and the
/// parser's position.
fn parse_notice(source_name: &str, text: &str) -> Result<NoticeFile, CalendarError> {
    toml::from_str(text).map_err(|err| {
        let (line, column) = match err.span() {
            Some(span) => {
                let (line, column) = line_column(text, span.start);
                (Some(line), Some(column))
            }
            None => (None, None),
        };
        CalendarError::Parse {
            source_name: source_name.to_owned(),
            line,
            column,
            message: err.message().trim_end().to_owned(),
        }
    })
}

/// Checks the dates of one notice file and adds them to `seen`, which maps
/// every date listed so far to its kind and first listing.
fn merge_dates(
    seen: &mut BTreeMap<NaiveDate, (Kind, Location)>,
    source_name: &str,
    text: &str,
    file: &NoticeFile,
) -> Result<(), CalendarError> {
    let listed = [
        (Kind::Holiday, &file.holidays),
        (Kind::Workday, &file.workdays),
    ];
    for (kind, periods) in listed {
        for period in periods {
            for spanned in &period.dates {
                let date = *spanned.get_ref();
                let at = location(source_name, text, spanned.span().start);
                if (i64::from(date.year()) - i64::from(file.year)).abs() > 1 {
                    return Err(CalendarError::DateOutsideYear {
                        at,
                        date,
                        name: period.name.clone(),
                        year: file.year,
                    });
                }
                if kind == Kind::Workday && !is_weekend(date) {
                    return Err(CalendarError::WorkdayNotWeekend {
                        at,
                        date,
                        name: period.name.clone(),
                        weekday: date.weekday(),
                    });
                }
                match seen.entry(date) {
                    Entry::Occupied(entry) => {
                        let (first_kind, first) = entry.get().clone();
                        return Err(if first_kind == kind {
                            CalendarError::DuplicateDate { at, date, first }
                        } else {
                            CalendarError::HolidayAndWorkday { at, date, first }
                        });
                    }
                    Entry::Vacant(slot) => {
                        slot.insert((kind, at));
                    }
                }
            }
        }
    }
    Ok(())
}

impl WorkCalendar {
    /// The built-in calendar (2019–2026), parsed once (`std::sync::OnceLock`).
    ///
    /// Its data are the State Council General Office's holiday notices for
    /// 2019 to 2026, including the 2019 amendment of 劳动节 (国办发明电〔2019〕3号)
    /// and the 2020 extension of 春节 to 2 February (国办发明电〔2020〕1号).
    ///
    /// # Panics
    ///
    /// Only if the compiled-in data were invalid, which the unit tests rule
    /// out.
    pub fn china() -> &'static WorkCalendar {
        static CHINA: OnceLock<WorkCalendar> = OnceLock::new();
        CHINA.get_or_init(|| {
            WorkCalendar::from_sources(BUILTIN_SOURCES)
                .unwrap_or_else(|err| panic!("built-in holiday data is invalid: {err}"))
        })
    }

    /// Build from (source name, TOML text) pairs in the format above; errors name the source and, from the toml error, the line/column.
    ///
    /// Each source is one notice (see the [module documentation](self) for
    /// the format); the sources are merged.
    ///
    /// # Errors
    ///
    /// [`CalendarError::Parse`] when a source is not valid TOML, has unknown
    /// fields or lacks `year` or `source`, or holds a string that is not a
    /// date; [`CalendarError::DateOutsideYear`],
    /// [`CalendarError::WorkdayNotWeekend`], [`CalendarError::DuplicateDate`]
    /// and [`CalendarError::HolidayAndWorkday`] for dates that break the rules
    /// of the format; [`CalendarError::DuplicateYear`] and
    /// [`CalendarError::MissingYear`] when the years of the sources repeat or
    /// have a gap; [`CalendarError::NoSources`] when there is no source.
    pub fn from_sources<'a>(
        sources: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, CalendarError> {
        let mut years: BTreeMap<i32, &str> = BTreeMap::new();
        let mut seen: BTreeMap<NaiveDate, (Kind, Location)> = BTreeMap::new();

        for (source_name, text) in sources {
            let file = parse_notice(source_name, text)?;
            match years.entry(file.year) {
                Entry::Occupied(first) => {
                    return Err(CalendarError::DuplicateYear {
                        source_name: source_name.to_owned(),
                        year: file.year,
                        first_source: (*first.get()).to_owned(),
                    });
                }
                Entry::Vacant(slot) => {
                    slot.insert(source_name);
                }
            }
            merge_dates(&mut seen, source_name, text, &file)?;
        }

        let (Some(&first_year), Some(&last_year)) = (years.keys().next(), years.keys().last())
        else {
            return Err(CalendarError::NoSources);
        };
        let mut previous = first_year;
        for &year in years.keys().skip(1) {
            if year != previous + 1 {
                return Err(CalendarError::MissingYear {
                    year: previous + 1,
                    first_year,
                    last_year,
                });
            }
            previous = year;
        }

        let mut holidays = BTreeSet::new();
        let mut workdays = BTreeSet::new();
        for (date, (kind, _)) in seen {
            match kind {
                Kind::Holiday => holidays.insert(date),
                Kind::Workday => workdays.insert(date),
            };
        }
        Ok(WorkCalendar {
            holidays,
            workdays,
            first_year,
            last_year,
        })
    }

    /// First and last covered year.
    #[must_use]
    pub fn years(&self) -> RangeInclusive<i32> {
        self.first_year..=self.last_year
    }

    /// Whether a date is an official working day (Mon–Fri not a holiday, or an adjusted workday). Error when the year is not covered.
    ///
    /// # Errors
    ///
    /// [`CalendarError::YearNotCovered`] when the date's year is outside
    /// [`years`](Self::years).
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        self.check_covered(date)?;
        Ok(self.is_working(date))
    }

    /// The date that is `n` working days after `start` (start itself not counted; n = 0 returns start).
    ///
    /// The result is a working day when `n > 0`; `start` need not be one.
    ///
    /// # Errors
    ///
    /// [`CalendarError::YearNotCovered`] when `start`, or a day reached
    /// before `n` working days are counted, is outside
    /// [`years`](Self::years); the error names the first uncovered date.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        self.check_covered(start)?;
        let mut date = start;
        let mut left = n;
        while left > 0 {
            date = date.succ_opt().ok_or_else(|| self.not_covered(date))?;
            self.check_covered(date)?;
            if self.is_working(date) {
                left -= 1;
            }
        }
        Ok(date)
    }

    /// Working days in (from, to]: counted after `from` up to and including `to`; negative when to < from.
    ///
    /// This is the inverse of [`add_working_days`](Self::add_working_days):
    /// `working_days_between(start, add_working_days(start, n)?)` is `n`.
    /// When `to < from` the result is minus the count over (to, from].
    ///
    /// # Errors
    ///
    /// [`CalendarError::YearNotCovered`] when either date is outside
    /// [`years`](Self::years).
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i64, CalendarError> {
        self.check_covered(from)?;
        self.check_covered(to)?;
        let (low, high, sign) = if from <= to {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let count = low
            .iter_days()
            .skip(1)
            .take_while(|date| *date <= high)
            .filter(|date| self.is_working(*date))
            .fold(0_i64, |count, _| count + 1);
        Ok(sign * count)
    }

    /// Whether `date` is a working day, assuming its year is covered.
    fn is_working(&self, date: NaiveDate) -> bool {
        if self.holidays.contains(&date) {
            false
        } else if self.workdays.contains(&date) {
            true
        } else {
            !is_weekend(date)
        }
    }

    fn check_covered(&self, date: NaiveDate) -> Result<(), CalendarError> {
        if self.years().contains(&date.year()) {
            Ok(())
        } else {
            Err(self.not_covered(date))
        }
    }

    fn not_covered(&self, date: NaiveDate) -> CalendarError {
        CalendarError::YearNotCovered {
            date,
            first_year: self.first_year,
            last_year: self.last_year,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
    }

    fn cal() -> &'static WorkCalendar {
        WorkCalendar::china()
    }

    fn add(start: NaiveDate, n: u32) -> NaiveDate {
        cal().add_working_days(start, n).expect("covered dates")
    }

    fn working(date: NaiveDate) -> bool {
        cal().is_working_day(date).expect("covered date")
    }

    fn between(from: NaiveDate, to: NaiveDate) -> i64 {
        cal().working_days_between(from, to).expect("covered dates")
    }

    #[test]
    fn builtin_calendar_covers_2019_through_2026() {
        assert_eq!(cal().years(), 2019..=2026);
        // Ordinary weeks: Saturday off, Monday on.
        assert!(!working(d(2021, 3, 6)));
        assert!(working(d(2021, 3, 8)));
    }

    #[test]
    fn builtin_holiday_periods_are_runs_of_consecutive_days() {
        for (name, text) in BUILTIN_SOURCES {
            let file: NoticeFile = toml::from_str(text).expect("built-in file parses");
            assert!(
                name.contains(&file.year.to_string()),
                "{name} has year {}",
                file.year
            );
            for period in &file.holidays {
                let dates: Vec<NaiveDate> = period.dates.iter().map(|s| *s.get_ref()).collect();
                assert!(!dates.is_empty(), "{name}: {} has no dates", period.name);
                for pair in dates.windows(2) {
                    assert_eq!(
                        pair[0].succ_opt(),
                        Some(pair[1]),
                        "{name}: {} is not a run of consecutive days",
                        period.name
                    );
                }
            }
        }
    }

    #[test]
    fn spring_festival_2021_twenty_working_days() {
        // 2021-02-01 (Mon): 7 Feb (Sun) and 20 Feb (Sat) are workdays,
        // 11–17 Feb are off.
        assert_eq!(add(d(2021, 2, 1), 20), d(2021, 3, 4));
        assert!(working(d(2021, 2, 7)));
        assert!(!working(d(2021, 2, 11)));
        assert!(!working(d(2021, 2, 17)));
        assert!(working(d(2021, 2, 20)));
        assert_eq!(add(d(2021, 2, 10), 1), d(2021, 2, 18));
    }

    #[test]
    fn national_day_2021_and_its_saturday_workday() {
        assert_eq!(add(d(2021, 9, 30), 1), d(2021, 10, 8));
        assert!(working(d(2021, 10, 9)));
        assert_eq!(d(2021, 10, 9).weekday(), Weekday::Sat);
        assert_eq!(add(d(2021, 10, 8), 1), d(2021, 10, 9));
        assert!(working(d(2021, 9, 26)));
        assert_eq!(between(d(2021, 9, 30), d(2021, 10, 11)), 3);
    }

    #[test]
    fn spring_festival_2020_with_extension_to_2_february() {
        // Extended by 国办发明电〔2020〕1号: off until Sunday 2 February, and
        // Saturday 1 February is no longer a workday.
        assert!(working(d(2020, 1, 19)));
        assert!(!working(d(2020, 1, 31)));
        assert!(!working(d(2020, 2, 1)));
        assert!(!working(d(2020, 2, 2)));
        assert_eq!(add(d(2020, 1, 23), 1), d(2020, 2, 3));
        assert_eq!(between(d(2020, 1, 23), d(2020, 2, 7)), 5);
    }

    #[test]
    fn year_2025_spring_festival_starts_on_new_years_eve() {
        // 除夕 2025-01-28 (Tue) is a holiday; Sunday 26 January and Saturday
        // 8 February are workdays.
        assert!(!working(d(2025, 1, 28)));
        assert!(working(d(2025, 1, 26)));
        assert!(working(d(2025, 2, 8)));
        assert_eq!(add(d(2025, 1, 24), 1), d(2025, 1, 26));
        assert_eq!(add(d(2025, 1, 27), 1), d(2025, 2, 5));
        assert_eq!(add(d(2025, 1, 20), 10), d(2025, 2, 8));
    }

    #[test]
    fn year_2025_labour_day_and_national_day() {
        assert!(working(d(2025, 4, 27)));
        assert_eq!(add(d(2025, 4, 30), 1), d(2025, 5, 6));
        assert!(!working(d(2025, 5, 5)));
        assert!(working(d(2025, 9, 28)));
        assert_eq!(add(d(2025, 9, 30), 1), d(2025, 10, 9));
        assert!(!working(d(2025, 10, 8)));
        assert!(working(d(2025, 10, 11)));
        assert_eq!(between(d(2025, 9, 26), d(2025, 10, 13)), 7);
    }

    #[test]
    fn year_2026_spans() {
        assert!(!working(d(2026, 1, 2)));
        assert!(working(d(2026, 1, 4)));
        assert_eq!(add(d(2025, 12, 31), 1), d(2026, 1, 4));
        // 春节: 15–23 February off, Saturdays 14 and 28 February on.
        assert_eq!(add(d(2026, 2, 13), 1), d(2026, 2, 14));
        assert_eq!(add(d(2026, 2, 14), 1), d(2026, 2, 24));
        assert!(working(d(2026, 2, 28)));
        assert_eq!(add(d(2026, 2, 12), 20), d(2026, 3, 18));
        assert!(!working(d(2026, 5, 5)));
        assert!(working(d(2026, 5, 9)));
        assert!(working(d(2026, 9, 20)));
        assert_eq!(add(d(2026, 9, 30), 1), d(2026, 10, 8));
        assert!(working(d(2026, 10, 10)));
    }

    #[test]
    fn new_years_eve_2024_is_only_encouraged_as_a_day_off() {
        // The 2024 notice encourages resting on 除夕 (9 February) but does
        // not make it a holiday.
        assert!(working(d(2024, 2, 9)));
        assert!(working(d(2024, 2, 4)));
        assert!(working(d(2024, 2, 18)));
        assert_eq!(add(d(2024, 2, 9), 1), d(2024, 2, 18));
    }

    #[test]
    fn spans_across_year_boundaries() {
        // 2022-12-31 is 元旦 2023, announced by the 2023 notice.
        assert!(!working(d(2022, 12, 31)));
        assert_eq!(add(d(2022, 12, 30), 1), d(2023, 1, 3));
        assert_eq!(between(d(2022, 12, 30), d(2023, 1, 3)), 1);
        // 2023-12-30/31 are the weekend joined to 元旦 2024.
        assert_eq!(add(d(2023, 12, 29), 1), d(2024, 1, 2));
        assert_eq!(add(d(2019, 12, 31), 1), d(2020, 1, 2));
        assert_eq!(add(d(2020, 12, 25), 5), d(2021, 1, 4));
        // Spring Festival 2021 seen from December 2020.
        assert_eq!(between(d(2020, 12, 31), d(2021, 3, 4)), 20 + 21);
    }

    #[test]
    fn adjusted_workday_2023_01_28_after_spring_festival() {
        assert!(working(d(2023, 1, 28)));
        assert!(working(d(2023, 1, 29)));
        assert_eq!(add(d(2023, 1, 20), 1), d(2023, 1, 28));
        assert_eq!(add(d(2023, 1, 20), 3), d(2023, 1, 30));
    }

    #[test]
    fn uncovered_year_is_an_error() {
        let err = cal().is_working_day(d(2018, 12, 29)).unwrap_err();
        assert_eq!(
            err,
            CalendarError::YearNotCovered {
                date: d(2018, 12, 29),
                first_year: 2019,
                last_year: 2026,
            }
        );
        assert!(err.to_string().contains("2018"), "{err}");
        assert!(cal().add_working_days(d(2018, 6, 1), 0).is_err());
        assert!(cal()
            .working_days_between(d(2018, 12, 31), d(2019, 1, 2))
            .is_err());
        assert!(cal()
            .working_days_between(d(2026, 12, 31), d(2027, 1, 4))
            .is_err());
        // Counting that runs past the last covered year names the first
        // uncovered date.
        assert!(matches!(
            cal().add_working_days(d(2026, 12, 30), 5),
            Err(CalendarError::YearNotCovered { date, .. }) if date == d(2027, 1, 1)
        ));
        assert_eq!(add(d(2026, 12, 30), 1), d(2026, 12, 31));
    }

    const GOOD_2021: &str = r#"
year = 2021
source = "test"
holidays = [
  { name = "元旦", dates = ["2021-01-01", "2021-01-02", "2021-01-03"] },
]
workdays = [
  { name = "春节", dates = ["2021-02-07"] },
]
"#;

    #[test]
    fn from_sources_builds_a_calendar() {
        let cal = WorkCalendar::from_sources([("a.toml", GOOD_2021)]).unwrap();
        assert_eq!(cal.years(), 2021..=2021);
        assert!(!cal.is_working_day(d(2021, 1, 1)).unwrap());
        assert!(cal.is_working_day(d(2021, 2, 7)).unwrap());
        // Not in these sources, so an ordinary weekday here.
        assert!(cal.is_working_day(d(2021, 2, 11)).unwrap());
        assert!(cal.is_working_day(d(2022, 1, 3)).is_err());
    }

    #[test]
    fn malformed_toml_names_source_line_and_column() {
        let text = "year = 2021\nsource = \"x\"\nholidays = [\n  { name = \"元旦\", dates = [\"2021-01-01\" }\n]\n";
        let err = WorkCalendar::from_sources([("bad.toml", text)]).unwrap_err();
        match &err {
            CalendarError::Parse {
                source_name, line, ..
            } => {
                assert_eq!(source_name, "bad.toml");
                assert_eq!(*line, Some(4));
            }
            other => panic!("expected a parse error, got {other:?}"),
        }
        assert!(err.to_string().starts_with("bad.toml:4:"), "{err}");
    }

    #[test]
    fn unknown_field_and_bad_date_are_parse_errors() {
        let unknown = "year = 2021\nsource = \"x\"\nholiday = []\n";
        let err = WorkCalendar::from_sources([("unknown.toml", unknown)]).unwrap_err();
        assert!(
            matches!(&err, CalendarError::Parse { line: Some(3), .. }),
            "{err:?}"
        );

        let bad_date = "year = 2021\nsource = \"x\"\nholidays = [\n  { name = \"春节\", dates = [\"2021-02-30\"] },\n]\n";
        let err = WorkCalendar::from_sources([("date.toml", bad_date)]).unwrap_err();
        assert!(
            matches!(
                &err,
                CalendarError::Parse {
                    line: Some(4),
                    column: Some(27),
                    ..
                }
            ),
            "{err:?}"
        );

        let missing_year = "source = \"x\"\n";
        let err = WorkCalendar::from_sources([("year.toml", missing_year)]).unwrap_err();
        assert!(matches!(&err, CalendarError::Parse { .. }), "{err:?}");
        assert!(err.to_string().starts_with("year.toml"), "{err}");
    }

    #[test]
    fn duplicated_date_is_rejected() {
        let text = "year = 2021\nsource = \"x\"\nholidays = [\n  { name = \"元旦\", dates = [\"2021-01-01\"] },\n  { name = \"又元旦\", dates = [\"2021-01-01\"] },\n]\n";
        let err = WorkCalendar::from_sources([("dup.toml", text)]).unwrap_err();
        match &err {
            CalendarError::DuplicateDate { at, date, first } => {
                assert_eq!(*date, d(2021, 1, 1));
                assert_eq!((at.line, first.line), (5, 4));
                assert_eq!(at.source_name, "dup.toml");
            }
            other => panic!("expected a duplicate date, got {other:?}"),
        }

        // The same date in two files.
        let other_2022 = "year = 2022\nsource = \"y\"\nholidays = [\n  { name = \"元旦\", dates = [\"2021-01-01\"] },\n]\n";
        let err = WorkCalendar::from_sources([("2021.toml", GOOD_2021), ("2022.toml", other_2022)])
            .unwrap_err();
        match &err {
            CalendarError::DuplicateDate { at, first, .. } => {
                assert_eq!(at.source_name, "2022.toml");
                assert_eq!(first.source_name, "2021.toml");
            }
            other => panic!("expected a duplicate date, got {other:?}"),
        }
    }

    #[test]
    fn holiday_listed_as_workday_is_rejected() {
        let text = "year = 2021\nsource = \"x\"\nholidays = [\n  { name = \"元旦\", dates = [\"2021-01-02\"] },\n]\nworkdays = [\n  { name = \"元旦\", dates = [\"2021-01-02\"] },\n]\n";
        let err = WorkCalendar::from_sources([("both.toml", text)]).unwrap_err();
        assert!(
            matches!(&err, CalendarError::HolidayAndWorkday { date, .. } if *date == d(2021, 1, 2)),
            "{err:?}"
        );
    }

    #[test]
    fn weekday_listed_as_workday_is_rejected() {
        let text = "year = 2021\nsource = \"x\"\nworkdays = [\n  { name = \"春节\", dates = [\"2021-02-08\"] },\n]\n";
        let err = WorkCalendar::from_sources([("mon.toml", text)]).unwrap_err();
        assert!(
            matches!(
                &err,
                CalendarError::WorkdayNotWeekend { weekday: Weekday::Mon, at, .. } if at.line == 4
            ),
            "{err:?}"
        );
    }

    #[test]
    fn date_more_than_a_year_away_is_rejected() {
        let text = "year = 2021\nsource = \"x\"\nholidays = [\n  { name = \"元旦\", dates = [\"2019-12-31\"] },\n]\n";
        let err = WorkCalendar::from_sources([("far.toml", text)]).unwrap_err();
        assert!(
            matches!(&err, CalendarError::DateOutsideYear { year: 2021, .. }),
            "{err:?}"
        );
        // The previous and next year are allowed.
        let near = "year = 2021\nsource = \"x\"\nholidays = [\n  { name = \"元旦\", dates = [\"2020-12-31\", \"2022-01-01\"] },\n]\n";
        assert!(WorkCalendar::from_sources([("near.toml", near)]).is_ok());
    }

    #[test]
    fn duplicate_missing_and_absent_years_are_rejected() {
        let err =
            WorkCalendar::from_sources([("a.toml", GOOD_2021), ("b.toml", GOOD_2021)]).unwrap_err();
        assert!(
            matches!(&err, CalendarError::DuplicateYear { year: 2021, .. }),
            "{err:?}"
        );

        let year_2023 = "year = 2023\nsource = \"z\"\n";
        let err = WorkCalendar::from_sources([("2023.toml", year_2023), ("2021.toml", GOOD_2021)])
            .unwrap_err();
        assert_eq!(
            err,
            CalendarError::MissingYear {
                year: 2022,
                first_year: 2021,
                last_year: 2023,
            }
        );

        let none: [(&str, &str); 0] = [];
        assert_eq!(
            WorkCalendar::from_sources(none).unwrap_err(),
            CalendarError::NoSources
        );
    }

    #[test]
    fn working_days_between_inverts_add_working_days() {
        let starts = [
            d(2019, 1, 1),
            d(2019, 9, 27),
            d(2020, 1, 17),
            d(2021, 2, 6),
            d(2022, 4, 29),
            d(2022, 12, 30),
            d(2023, 9, 28),
            d(2024, 2, 8),
            d(2025, 1, 25),
            d(2025, 12, 20),
            d(2026, 9, 19),
        ];
        for start in starts {
            for n in 0..=40 {
                let end = add(start, n);
                assert_eq!(between(start, end), i64::from(n), "{start} + {n} = {end}");
                assert_eq!(between(end, start), -i64::from(n), "{end} back to {start}");
                if n > 0 {
                    assert!(working(end), "{start} + {n} = {end} is not a working day");
                }
            }
        }
    }

    #[test]
    fn working_days_between_counts_after_from_through_to() {
        // Same day: nothing in between.
        assert_eq!(between(d(2021, 3, 1), d(2021, 3, 1)), 0);
        // Friday to Monday: only the Monday.
        assert_eq!(between(d(2021, 3, 5), d(2021, 3, 8)), 1);
        // From a holiday: the first working day after it counts as 1.
        assert_eq!(between(d(2021, 10, 1), d(2021, 10, 8)), 1);
        // Reversed order gives the negated count.
        assert_eq!(between(d(2021, 3, 8), d(2021, 3, 5)), -1);
        // A whole ordinary week.
        assert_eq!(between(d(2021, 3, 7), d(2021, 3, 14)), 5);
    }
}
