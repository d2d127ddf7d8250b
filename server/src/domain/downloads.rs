//! Install statistics as daily series: what `notify-batch` recorded per package (all
//! readers) and per customer.

use chrono::{NaiveDate, TimeDelta, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::DbConn;
use crate::db::schema::{customer_downloads, package_downloads, token_downloads};
use crate::db_run;
use crate::error::{Error, Result};

/// A year of days is the longest series anyone asks for on one screen.
pub const MAX_DAYS: i32 = 366;

pub struct DailySeries {
    /// Every day of the period, oldest first, days without installs included.
    pub days: Vec<(NaiveDate, i64)>,
    pub total: i64,
}

/// The period ending today (UTC) of `days` days.
pub fn period(days: i32) -> Result<(NaiveDate, NaiveDate)> {
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(Error::invalid(
            "days",
            format!("ask for 1 to {MAX_DAYS} days"),
        ));
    }
    let last = Utc::now().date_naive();
    Ok((last - TimeDelta::days(i64::from(days - 1)), last))
}

fn series(first: NaiveDate, last: NaiveDate, counted: Vec<(String, i64)>) -> DailySeries {
    // Rows are per version (and customer): summed here rather than with SQL `SUM`, whose
    // type differs between the two databases.
    let mut counts: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
    for (day, count) in counted {
        *counts.entry(day).or_default() += count;
    }
    let days: Vec<(NaiveDate, i64)> = first
        .iter_days()
        .take_while(|day| *day <= last)
        .map(|day| (day, counts.get(&day.to_string()).copied().unwrap_or(0)))
        .collect();
    let total = days.iter().map(|(_, count)| count).sum();
    DailySeries { days, total }
}

/// Days are stored as `YYYY-MM-DD` text, which sorts and compares as dates do.
pub async fn for_package(conn: &mut DbConn, package_id: i64, days: i32) -> Result<DailySeries> {
    let (first, last) = period(days)?;
    let (from, to) = (first.to_string(), last.to_string());
    let counted: Vec<(String, i64)> = db_run!(conn: {
        package_downloads::table
            .filter(package_downloads::package_id.eq(package_id))
            .filter(package_downloads::day.ge(&from))
            .filter(package_downloads::day.le(&to))
            .select((package_downloads::day, package_downloads::downloads))
            .load(conn)
            .await?
    });
    Ok(series(first, last, counted))
}

pub async fn for_customer(conn: &mut DbConn, customer_id: i64, days: i32) -> Result<DailySeries> {
    let (first, last) = period(days)?;
    let (from, to) = (first.to_string(), last.to_string());
    let counted: Vec<(String, i64)> = db_run!(conn: {
        customer_downloads::table
            .filter(customer_downloads::customer_id.eq(customer_id))
            .filter(customer_downloads::day.ge(&from))
            .filter(customer_downloads::day.le(&to))
            .select((customer_downloads::day, customer_downloads::downloads))
            .load(conn)
            .await?
    });
    Ok(series(first, last, counted))
}

pub async fn for_token(conn: &mut DbConn, token_id: i64, days: i32) -> Result<DailySeries> {
    let (first, last) = period(days)?;
    let (from, to) = (first.to_string(), last.to_string());
    let counted: Vec<(String, i64)> = db_run!(conn: {
        token_downloads::table
            .filter(token_downloads::token_id.eq(token_id))
            .filter(token_downloads::day.ge(&from))
            .filter(token_downloads::day.le(&to))
            .select((token_downloads::day, token_downloads::downloads))
            .load(conn)
            .await?
    });
    Ok(series(first, last, counted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_series_has_every_day_and_sums_versions() {
        let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
        let counted = vec![
            ("2026-03-01".to_owned(), 2),
            ("2026-03-01".to_owned(), 3),
            ("2026-03-03".to_owned(), 1),
        ];
        let series = series(day("2026-03-01"), day("2026-03-04"), counted);
        assert_eq!(
            series.days,
            vec![
                (day("2026-03-01"), 5),
                (day("2026-03-02"), 0),
                (day("2026-03-03"), 1),
                (day("2026-03-04"), 0),
            ]
        );
        assert_eq!(series.total, 6);
    }

    #[test]
    fn the_period_is_bounded() {
        assert!(period(0).is_err());
        assert!(period(MAX_DAYS + 1).is_err());
        let (first, last) = period(7).unwrap();
        assert_eq!((last - first).num_days(), 6);
    }
}
