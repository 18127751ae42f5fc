"""What writes: every change of an assessment's data, as keyword-only functions by topic.

Views, the admin, commands and tasks call these; each checks its own rules and takes
the locks its guarantees need, so that no caller can forget one. A task lives beside
the service it runs (`reports.render_submission_pdf`, `exports.build_pdf_zip`,
`notifications.send_email`). Reads are in `assessments.selectors`.
"""
