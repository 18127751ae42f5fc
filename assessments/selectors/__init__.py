"""What reads: the figures and lists the pages, the desk and the exports show, whose
queries take more than one QuerySet call. Nothing here changes data."""
