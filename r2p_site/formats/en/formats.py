# The UN's English: day, month, year and a 24-hour clock (times are shown in UTC), not
# Django's American "Nov. 25, 2026, 10 p.m.".
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
