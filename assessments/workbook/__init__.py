"""The offline workbook of an assessment: its layout, the download, and the upload read
back safely from an Excel or OpenDocument file into a plan of changes (docs/workbooks.md).
Applying the plan is a write: `assessments.services.workbook`."""
