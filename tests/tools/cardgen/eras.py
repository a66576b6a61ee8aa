"""Japanese era dates for synthetic cards: the era table of CARD.md, birth and
expiry dates drawn the way real cards carry them."""
import datetime as dt

# (name, first day, last day) from CARD.md; 令和 has no end yet.
ERAS = [
    ("明治", dt.date(1868, 10, 23), dt.date(1912, 7, 29)),
    ("大正", dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
    ("昭和", dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    ("平成", dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    ("令和", dt.date(2019, 5, 1), None),
]

# Days where an off-by-one in the era table shows: the first and last days of
# eras and the first and last days of each 元年.
BOUNDARY_DAYS = [
    dt.date(1912, 7, 30), dt.date(1912, 12, 31),
    dt.date(1926, 12, 24), dt.date(1926, 12, 25), dt.date(1926, 12, 31),
    dt.date(1927, 1, 1), dt.date(1989, 1, 7), dt.date(1989, 1, 8),
    dt.date(1989, 12, 31), dt.date(1990, 1, 1), dt.date(2019, 4, 30),
    dt.date(2019, 5, 1), dt.date(2019, 12, 31), dt.date(2020, 1, 1),
]

OLDEST = dt.date(1912, 7, 30)
NEWEST = dt.date(2025, 12, 31)
# Cards handed out from the start of the system to the end of the test window.
FIRST_ISSUE = dt.date(2016, 1, 1)
LAST_ISSUE = dt.date(2026, 10, 31)


def era_of(day):
    """(era name, era year) of a Gregorian date; 元年 is year 1."""
    for name, first, last in ERAS:
        if day >= first and (last is None or day <= last):
            return name, day.year - first.year + 1
    raise ValueError(f"{day} is before 明治")


def random_day(rng, first, last):
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def draw_birth(rng):
    """A birth date; era boundaries and 元年 are over-represented on purpose."""
    pick = rng.random()
    if pick < 0.12:
        return rng.choice(BOUNDARY_DAYS)
    if pick < 0.20:
        # Any day of some era's first year.
        name, first, _ = rng.choice(ERAS[1:])
        return random_day(rng, first, dt.date(first.year, 12, 31))
    return random_day(rng, dt.date(1915, 1, 1), NEWEST)


def birthday_in(year, birth):
    """The birthday in a given year; 2月29日 falls on 2月28日 in common years."""
    try:
        return birth.replace(year=year)
    except ValueError:
        return dt.date(year, 2, 28)


def draw_expiry(rng, birth):
    """Issue date and expiry date: valid until the 10th birthday after issue
    (the 5th for those under 18 on the day of issue)."""
    first = max(FIRST_ISSUE, birth + dt.timedelta(days=30))
    issue = random_day(rng, first, LAST_ISSUE)
    age = issue.year - birth.year - ((issue.month, issue.day) < (birth.month, birth.day))
    terms = 10 if age >= 18 else 5
    next_birthday = birthday_in(issue.year, birth)
    if next_birthday <= issue:
        next_birthday = birthday_in(issue.year + 1, birth)
    return issue, birthday_in(next_birthday.year + terms - 1, birth)
