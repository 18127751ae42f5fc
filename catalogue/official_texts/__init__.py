"""Official translations of a report, imported from the UN's published document in that
language: read (`reading`), split into its numbered paragraphs (`paragraphs`), each
recommendation found at its place (`places`), previewed and confirmed (`services`).

The rule, from the English source: the source names the relevant paragraphs per
report section ("13–27, 46–47" for twelve recommendations), not per recommendation,
and in 52 of its 66 sections the paragraphs outnumber the recommendations; a
recommendation is a summary of what the report asks, not a sentence of it. So each
recommendation records its own place (`Recommendation.place`: a paragraph number and,
optionally, the lettered sub-paragraph or the sentence in it), which the secretariat
sets once against the English report; translations keep the paragraph numbering, the
sub-paragraph order and, as a rule, the sentence order, so the same place finds the
text in each language. A recommendation without a place, or whose place the document
does not have, is named in the preview with the reason and left as it is.
"""
