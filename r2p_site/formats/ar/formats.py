# Django has no Arabic date-and-time format (it would fall back to the English one) and
# a 12-hour clock; times are shown on the 24-hour clock of UTC, as in the other languages.
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F، Y، H:i"
SHORT_DATETIME_FORMAT = "d‏/m‏/Y H:i"
